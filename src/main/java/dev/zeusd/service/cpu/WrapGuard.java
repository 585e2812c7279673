package dev.zeusd.service.cpu;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.zeusd.device.cpu.PackageEnergy;
import dev.zeusd.service.DaemonThreads;
import dev.zeusd.service.DeviceWorkers;

/**
 * Reads every RAPL counter often enough that no wrap can be missed, even when no client asks for anything, so the
 * extended counters stay exact over hours of idle.
 */
public final class WrapGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WrapGuard.class);

    /** Far above any real package or DRAM domain, so the guard's period is safe on any CPU. */
    static final double MAX_PLAUSIBLE_POWER_W = 1000;
    /** The original zeusd's period; we never read less often. */
    static final Duration MAX_PERIOD = Duration.ofSeconds(30);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("zeusd-rapl-wrap-guard"));

    /** Half the time the counter needs to wrap at the maximum plausible power, capped at {@link #MAX_PERIOD}. */
    public static Duration periodFor(long maxEnergyRangeUj) {
        double secondsToWrap = maxEnergyRangeUj / (MAX_PLAUSIBLE_POWER_W * 1e6);
        long halfNanos = (long) (secondsToWrap / 2 * 1e9);
        return Duration.ofNanos(Math.max(1_000_000L, Math.min(halfNanos, MAX_PERIOD.toNanos())));
    }

    public WrapGuard(DeviceWorkers<PackageEnergy> workers) {
        for (int id : workers.ids()) {
            PackageEnergy energy = workers.device(id);
            long rangeUj = energy.cpuPackage().packageDomain().maxEnergyRangeUj();
            if (energy.cpuPackage().dramDomain().isPresent()) {
                rangeUj = Math.min(rangeUj, energy.cpuPackage().dramDomain().get().maxEnergyRangeUj());
            }
            long periodNanos = periodFor(rangeUj).toNanos();
            timer.scheduleAtFixedRate(() -> workers.submit(id, PackageEnergy::sample).whenComplete((s, error) -> {
                if (error != null) {
                    LOG.warnf("RAPL package %d could not be read: %s", id, error.getMessage());
                }
            }), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
