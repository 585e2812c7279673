package dev.zeusd.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.config.BuildVersion;
import dev.zeusd.device.cpu.EnergySample;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuReading;
import dev.zeusd.service.gpu.GpuService;
import dev.zeusd.service.gpu.restore.RestoreReason;
import dev.zeusd.streaming.PowerStreams;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;

/**
 * Prometheus metrics in base units, named like Kepler and node_exporter: Micrometer appends the unit and
 * {@code _total}, so {@code zeusd.gpu.power} with unit watts is scraped as {@code zeusd_gpu_power_watts}.
 * <p>
 * The readings come from {@link MetricsSnapshot}, refreshed before each scrape; a device that did not answer has
 * {@code zeusd_device_up} 0 and no reading series ({@link DeviceSeries}).
 * RAPL values leave at 1 J / 1 W resolution and are read at most once a second, whoever scrapes: fine-grained RAPL energy is the CVE-2020-8694 (Platypus) side channel that made {@code energy_uj} root-only.
 * The API's {@code cpu-read} endpoints keep full resolution behind their scope.
 */
@Startup
@Singleton
public class DeviceMetrics {
    /** Micrometer holds function-counter state weakly: the suppliers must live as long as the meters. */
    private final List<DoubleSupplier> counterReads = new ArrayList<>();

    @Inject
    public DeviceMetrics(MeterRegistry registry, GpuService gpus, CpuService cpus, PowerStreams streams,
            ReadinessRecord readiness, MetricsSnapshot snapshot) {
        Map<String, DeviceSeries> series = new TreeMap<>();
        gpus.identities().forEach((id, identity) -> {
            // the hardware, as dcgm-exporter labels it: a series survives re-indexing and names the model
            Tags gpu = Tags.of("gpu", Integer.toString(id), "uuid", identity.uuid(), "model", identity.name(),
                    "pci_address", identity.pciAddress());
            DeviceSeries readings = device(registry, series, snapshot, "gpu" + id);
            readings.add(r -> gauge(r, "zeusd.gpu.power", "Instant GPU power draw in watts", "watts", gpu,
                    () -> gpuValue(snapshot, id, g -> g.powerMw() / 1e3)));
            readings.add(r -> gauge(r, "zeusd.gpu.power.limit", "GPU power limit in watts", "watts", gpu,
                    () -> gpuValue(snapshot, id, g -> g.powerLimitMw() / 1e3)));
            if (identity.cumulativeEnergyAvailable()) {
                DoubleSupplier energy = keep(() -> gpuValue(snapshot, id, g -> g.energyMj() / 1e3));
                readings.add(r -> counter(r, "zeusd.gpu.energy", "GPU energy since the driver was loaded, in joules",
                        gpu, energy));
            }
        });
        for (int id : cpus.ids()) {
            Tags cpu = Tags.of("cpu", Integer.toString(id));
            DeviceSeries readings = device(registry, series, snapshot, "cpu" + id);
            readings.add(r -> gauge(r, "zeusd.cpu.package.power", "CPU package power in watts (RAPL)", "watts", cpu,
                    () -> cpuPower(snapshot, id, p -> Math.round(p.cpuMw() / 1e3))));
            DoubleSupplier packageEnergy = keep(() -> cpuEnergy(snapshot, id, e -> wholeJoules(e.packageUj())));
            readings.add(r -> counter(r, "zeusd.cpu.package.energy",
                    "CPU package energy in joules (RAPL, wrap-corrected)", cpu, packageEnergy));
            if (cpus.hasDram(id)) {
                DoubleSupplier dramEnergy = keep(() -> cpuEnergy(snapshot, id, e -> wholeJoules(e.dramUj())));
                readings.add(r -> counter(r, "zeusd.dram.energy", "DRAM energy in joules (RAPL, wrap-corrected)", cpu,
                        dramEnergy));
            }
        }
        snapshot.onRefresh(readings -> series.forEach((device, deviceSeries) -> deviceSeries.show(readings.isUp(device))));
        // Every call into a device backend (reads and control): the benchmark checks an idle daemon adds none.
        FunctionCounter.builder("zeusd.device.calls", gpus, GpuService::deviceCallCount).tag("device", "gpu")
                .description("Calls made into the GPU backend (NVML or AMD SMI), reads and control").register(registry);
        FunctionCounter.builder("zeusd.device.calls", cpus, CpuService::deviceCallCount).tag("device", "cpu")
                .description("Calls made into the CPU backend (RAPL)").register(registry);
        FunctionCounter.builder("zeusd.device.errors", gpus, GpuService::deviceFaultCount).tag("device", "gpu")
                .description("GPU backend calls that failed with a driver or internal error (not refused requests)")
                .register(registry);
        FunctionCounter.builder("zeusd.device.errors", cpus, CpuService::deviceFaultCount).tag("device", "cpu")
                .description("RAPL reads that failed").register(registry);
        for (String check : List.of("devices", "api-listener")) {
            Gauge.builder("zeusd.ready", readiness, r -> r.value(check)).tag("check", check)
                    .description("1 if the readiness check passed when a probe last ran it, 0 if it failed")
                    .register(registry);
        }
        Gauge.builder("zeusd.build.info", () -> 1).description("Always 1; the labels tell what runs")
                .tags("version", BuildVersion.get(), "java", System.getProperty("java.version"), "backend",
                        gpus.backendName())
                .register(registry);
        for (RestoreReason reason : RestoreReason.values()) {
            FunctionCounter.builder("zeusd.restored.settings", gpus, g -> g.restoredSettings(reason))
                    .tag("reason", reason.label())
                    .description("GPU settings put back to their original value (client_exit, shutdown, crash_recovery)")
                    .register(registry);
            FunctionCounter.builder("zeusd.restore.failures", gpus, g -> g.failedRestores(reason))
                    .tag("reason", reason.label()).description("GPU settings that could not be put back (after a retry)")
                    .register(registry);
        }
        Gauge.builder("zeusd.stream.subscribers", streams, PowerStreams::gpuSubscribers).tag("device", "gpu")
                .description("Clients connected to the power stream of this device type").register(registry);
        Gauge.builder("zeusd.stream.subscribers", streams, PowerStreams::cpuSubscribers).tag("device", "cpu")
                .description("Clients connected to the power stream of this device type").register(registry);
    }

    /** A device's {@code zeusd_device_up} gauge, and the holder of its reading series. */
    private static DeviceSeries device(MeterRegistry registry, Map<String, DeviceSeries> series,
            MetricsSnapshot snapshot, String device) {
        Gauge.builder("zeusd.device.up", snapshot, s -> s.latest().isUp(device) ? 1 : 0).tag("device", device)
                .description("1 if the device answered the last scrape's reads in time, 0 if it failed or is stuck "
                        + "(its reading series are then left out)")
                .register(registry);
        DeviceSeries readings = new DeviceSeries(registry);
        series.put(device, readings);
        return readings;
    }

    /** Floor, not round: a counter must never step back. */
    static double wholeJoules(long microjoules) {
        return Math.floorDiv(microjoules, 1_000_000L);
    }

    private static double gpuValue(MetricsSnapshot snapshot, int id,
            ToDoubleFunction<GpuReading> f) {
        GpuReading reading = snapshot.latest().gpus().get(id);
        return reading == null ? Double.NaN : f.applyAsDouble(reading);
    }

    private static double cpuPower(MetricsSnapshot snapshot, int id, ToDoubleFunction<PowerMw> f) {
        PowerMw power = snapshot.latest().cpuPower().get(id);
        return power == null ? Double.NaN : f.applyAsDouble(power);
    }

    private static double cpuEnergy(MetricsSnapshot snapshot, int id, ToDoubleFunction<EnergySample> f) {
        EnergySample sample = snapshot.latest().cpuEnergy().get(id);
        return sample == null ? Double.NaN : f.applyAsDouble(sample);
    }

    private static Meter gauge(MeterRegistry registry, String name, String help, String unit, Tags tags,
            DoubleSupplier read) {
        return Gauge.builder(name, read::getAsDouble).description(help).baseUnit(unit).tags(tags).register(registry);
    }

    /** Micrometer holds a function counter's state weakly: this keeps it for the daemon's lifetime. */
    private DoubleSupplier keep(DoubleSupplier read) {
        counterReads.add(read);
        return read;
    }

    private static Meter counter(MeterRegistry registry, String name, String help, Tags tags, DoubleSupplier read) {
        return FunctionCounter.builder(name, read, DoubleSupplier::getAsDouble).description(help)
                .baseUnit("joules").tags(tags).register(registry);
    }
}
