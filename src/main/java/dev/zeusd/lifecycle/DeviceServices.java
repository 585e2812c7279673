package dev.zeusd.lifecycle;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.zeusd.StartupException;
import dev.zeusd.boot.GpuCommandOverridesFile;
import dev.zeusd.boot.PrivilegeCheck;
import dev.zeusd.boot.RestoreState;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.cpu.sim.SimulatedCpuBackend;
import dev.zeusd.device.gpu.sim.SimulatedGpuBackend;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.ControlAudit;
import dev.zeusd.service.gpu.GpuControl;
import dev.zeusd.service.gpu.GpuService;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.CorruptJournalException;
import io.quarkus.runtime.Startup;

/**
 * The one place that picks device backends. Only the devices the enabled groups need are initialised: without a GPU
 * group no GPU library is loaded, without cpu-read RAPL is never touched. Both are created at startup, not on the first
 * request, so a broken device stops the daemon before it serves anything.
 */
@Singleton
public class DeviceServices {
    private static final Logger LOG = Logger.getLogger(DeviceServices.class);

    @Produces
    @Singleton
    @Startup
    GpuService gpuService(ZeusdConfig config, ControlAudit audit) {
        GpuBackend backend = GpuBackend.none();
        if (config.gpusNeeded()) {
            backend = config.simulate() ? new SimulatedGpuBackend(SimulatedGpuBackend.DEFAULT_GPU_COUNT, System::nanoTime)
                    : RealBackends.gpus(config);
            LOG.infof("GPUs: %d (%s)", backend.devices().size(), backend.name());
        }
        GpuService gpus = new GpuService(backend, commandOverrides(config), RestoreState.policy(config), audit,
                config.deviceTimeout());
        try {
            gpus.recoverFromCrash(); // before the API opens: Quarkus binds the listener after the startup beans
        } catch (CorruptJournalException e) {
            gpus.close();
            throw new StartupException(e.getMessage());
        }
        return gpus;
    }

    /** The overrides, with what they mean for privileges spelled out in the log. */
    private static CommandOverrides commandOverrides(ZeusdConfig config) {
        GpuCommandOverridesFile.Loaded loaded = GpuCommandOverridesFile.load(config);
        loaded.warning().ifPresent(LOG::warn);
        CommandOverrides overrides = loaded.overrides();
        if (config.gpuCommandOverrides().isPresent()) {
            LOG.infof("GPU command overrides from %s for: %s; other control operations go to the GPU driver",
                    config.gpuCommandOverrides().get(),
                    overrides.isEmpty() ? "none" : String.join(", ", overrides.operationNames()));
        }
        if (!overrides.isEmpty() && config.enabledGroups().contains(ApiGroup.GPU_CONTROL)
                && !PrivilegeCheck.runsAsRoot() && !config.simulate()) {
            LOG.warn("API group 'gpu-control' is enabled without root because command overrides are configured; "
                    + "control operations without an override go to the GPU driver and may fail with permission "
                    + "errors.");
        }
        return overrides;
    }

    void closeGpus(@Disposes GpuService gpus) {
        gpus.close();
    }

    /** The control road, on the same GPU workers: closed with them, through {@link GpuService#close()}. */
    @Produces
    @Singleton
    GpuControl gpuControl(GpuService gpus) {
        return gpus.control();
    }

    @Produces
    @Singleton
    @Startup
    CpuService cpuService(ZeusdConfig config) {
        CpuBackend backend = CpuBackend.none();
        if (config.cpusNeeded()) {
            backend = config.simulate() ? new SimulatedCpuBackend(System::nanoTime) : RealBackends.cpus(config);
            LOG.infof("CPU packages: %d (%s)", backend.packages().size(), config.simulate() ? "simulated" : "RAPL");
        }
        return new CpuService(backend.packages(), System::nanoTime, config.deviceTimeout());
    }

    void closeCpus(@Disposes CpuService cpus) {
        cpus.close();
    }
}
