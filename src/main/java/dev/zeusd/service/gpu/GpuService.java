package dev.zeusd.service.gpu;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.SharedRead;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Reads and controls GPUs, each call on the GPU's own worker ({@link DeviceWorkers}): every GPU read goes resource,
 * here, the worker, {@link GpuDevice}. A read is one typed call per GPU, shared by the callers that ask for the same
 * quantity of the same GPU at once ({@link DeviceWorkers#read}). Control calls go through {@link GpuControl}, which
 * this builds on the same workers; every call has the device timeout as its deadline.
 */
public final class GpuService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GpuService.class);
    static final SharedRead<GpuDevice, Long> POWER = new SharedRead<>("power", GpuDevice::powerMw);
    static final SharedRead<GpuDevice, Long> ENERGY = new SharedRead<>("energy", GpuDevice::totalEnergyMj);
    static final SharedRead<GpuDevice, Long> POWER_LIMIT = new SharedRead<>("power limit", GpuDevice::powerLimitMw);
    static final SharedRead<GpuDevice, PowerLimitConstraints> CONSTRAINTS = new SharedRead<>("power limit constraints",
            GpuDevice::powerLimitConstraints);
    static final SharedRead<GpuDevice, Boolean> PERSISTENCE = new SharedRead<>("persistence mode",
            GpuDevice::persistenceMode);
    /** Power, energy (where the GPU counts it) and power limit, in one call per GPU: for the metrics. */
    static final SharedRead<GpuDevice, GpuReading> READING = new SharedRead<>("metrics reading",
            gpu -> new GpuReading(gpu.powerMw(), gpu.identity().cumulativeEnergyAvailable() ? gpu.totalEnergyMj() : null,
                    gpu.powerLimitMw()));

    private final GpuBackend backend;
    private final DeviceWorkers<GpuDevice> workers;
    private final GpuControl control;
    private final SettingsKeeper keeper;

    /** GPU ids are the backend's device indices; no overrides, no restore, audit lines counted nowhere. */
    public GpuService(GpuBackend backend) {
        this(backend, CommandOverrides.none(), RestorePolicy.off(), new ControlAudit(new SimpleMeterRegistry()),
                DeviceWorkers.DEFAULT_TIMEOUT);
    }

    /**
     * Control operations that {@code overrides} covers run its commands (on the GPU's worker) instead of the device;
     * settings are journalled and restored as {@code restore} says (see {@link #recoverFromCrash()}).
     */
    public GpuService(GpuBackend backend, CommandOverrides overrides, RestorePolicy restore, ControlAudit audit,
            Duration deviceTimeout) {
        this.backend = backend;
        Map<Integer, GpuDevice> byId = new HashMap<>();
        List<GpuDevice> devices = backend.devices();
        for (int i = 0; i < devices.size(); i++) {
            byId.put(i, devices.get(i));
        }
        this.workers = new DeviceWorkers<>("gpu", byId, deviceTimeout);
        this.control = new GpuControl(workers, overrides, audit, restore);
        this.keeper = control.keeper();
    }

    /**
     * Restores what a journal left by an earlier run holds, before anything is served; one log line per setting.
     *
     * @throws dev.zeusd.service.gpu.restore.CorruptJournalException if the journal cannot be read
     */
    public void recoverFromCrash() {
        keeper.recoverFromCrash();
    }

    /** Settings put back since start, for {@code zeusd_restored_settings_total{reason}}. */
    public long restoredSettings(RestoreReason reason) {
        return keeper.restoredCount(reason);
    }

    /** Restores that failed (after their retry) since start. */
    public long failedRestores(RestoreReason reason) {
        return keeper.failedCount(reason);
    }

    /** The GPU ids, ascending. */
    public SortedSet<Integer> ids() {
        return workers.ids();
    }

    /** Name, PCI address and capabilities per GPU id, fixed at startup: no device call. */
    public SortedMap<Integer, GpuIdentity> identities() {
        SortedMap<Integer, GpuIdentity> identities = new TreeMap<>();
        List<GpuDevice> devices = backend.devices();
        for (int i = 0; i < devices.size(); i++) {
            identities.put(i, devices.get(i).identity());
        }
        return identities;
    }

    /** Instant power in mW, one fresh reading per GPU. */
    public CompletionStage<SortedMap<Integer, Long>> power(Collection<Integer> ids) {
        return workers.read(ids, POWER);
    }

    /** Energy since the driver was loaded, in mJ. */
    public CompletionStage<SortedMap<Integer, Long>> energy(Collection<Integer> ids) {
        return workers.read(ids, ENERGY);
    }

    public CompletionStage<SortedMap<Integer, Long>> powerLimit(Collection<Integer> ids) {
        return workers.read(ids, POWER_LIMIT);
    }

    public CompletionStage<SortedMap<Integer, PowerLimitConstraints>> constraints(Collection<Integer> ids) {
        return workers.read(ids, CONSTRAINTS);
    }

    public CompletionStage<SortedMap<Integer, Boolean>> persistenceMode(Collection<Integer> ids) {
        return workers.read(ids, PERSISTENCE);
    }

    /*
     * The three below are for the daemon's own readers (metrics, readiness, stream pollers): one future per GPU, so
     * that they take what has answered by their own deadline and never wait on one GPU for the others.
     */

    /** Power, energy (where counted) and power limit per GPU, for the metrics. */
    public Map<Integer, CompletableFuture<GpuReading>> readings(Collection<Integer> ids) {
        return workers.readEach(ids, READING);
    }

    /** Power limits, for the readiness probe: a GPU that does not answer in time is a probe failure. */
    public Map<Integer, CompletableFuture<Long>> powerLimitProbe(Collection<Integer> ids) {
        return workers.readEach(ids, POWER_LIMIT);
    }

    /** The MIG devices each GPU is partitioned into now, for pod attribution (MIG ids name no GPU by themselves). */
    public Map<Integer, CompletableFuture<List<String>>> migDevices(Collection<Integer> ids) {
        return workers.submitEach(ids, GpuDevice::migDeviceUuids); // every few seconds at most: nothing to share
    }

    /** One GPU's instant power in mW, for a stream poller: a poll round never waits on one device's read. */
    public CompletionStage<Long> pollPower(int id) {
        return workers.readEach(List.of(id), POWER).get(id);
    }

    /** The control calls: journal, audit, device or override, ownership. */
    public GpuControl control() {
        return control;
    }

    SettingsKeeper keeperForTests() {
        return keeper;
    }

    /** GPU calls that failed with a fault (not a refused request) since start, for metrics. */
    public long deviceFaultCount() {
        return workers.faultCount();
    }

    /** The backend's name for logs and {@code zeusd_build_info}, e.g. NVML. */
    public String backendName() {
        return backend.name();
    }

    /** Calls made on the GPU devices since start, for tests and metrics. */
    public long deviceCallCount() {
        return workers.callCount();
    }

    @Override
    public void close() {
        keeper.close(); // restores (if asked to) while the workers and the backend still run
        if (workers.closeAndAwait()) {
            backend.close();
        } else {
            LOG.warnf("Leaving %s open: a GPU is still inside one of its calls", backend.name());
        }
    }
}
