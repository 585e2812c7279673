package dev.zeusd.service.cpu;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.cpu.CpuPackage;
import dev.zeusd.device.cpu.EnergySample;
import dev.zeusd.device.cpu.PackageEnergy;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.DeviceWorkers;

/** Cumulative energy and power of the RAPL packages, each read on its own worker. */
public final class CpuService implements AutoCloseable {
    /**
     * When no recent sample can be paired with a fresh one, a one-shot power read takes a second sample this long
     * after the first: long enough for the counters' ~1 ms update granularity to matter little, short enough to
     * answer well inside 25 ms. Any later call within a second pairs with these samples and does not wait.
     */
    static final long ONE_SHOT_WINDOW_MS = 15;

    private final DeviceWorkers<PackageEnergy> workers;
    private final WrapGuard wrapGuard;

    public CpuService(List<CpuPackage> packages, LongSupplier nanoClock) {
        this(packages, nanoClock, DeviceWorkers.DEFAULT_TIMEOUT);
    }

    public CpuService(List<CpuPackage> packages, LongSupplier nanoClock, Duration deviceTimeout) {
        Map<Integer, PackageEnergy> byId = packages.stream()
                .collect(Collectors.toMap(CpuPackage::index, p -> new PackageEnergy(p, nanoClock)));
        this.workers = new DeviceWorkers<>("cpu", byId, deviceTimeout);
        // The first sample anchors every counter before the guard or any client reads it.
        workers.all(workers.ids(), PackageEnergy::sample).toCompletableFuture().join();
        this.wrapGuard = new WrapGuard(workers);
    }

    /** The package ids, ascending. */
    public SortedSet<Integer> ids() {
        return workers.ids();
    }

    public boolean hasDram(int id) {
        return workers.device(id).hasDram();
    }

    public CompletionStage<SortedMap<Integer, EnergySample>> cumulativeEnergy(Collection<Integer> ids) {
        return workers.all(ids, PackageEnergy::sample);
    }

    public CompletionStage<SortedMap<Integer, PowerMw>> power(Collection<Integer> ids) {
        return workers.all(ids, CpuService::oneShotPower);
    }

    /** One future per package, for the daemon's own readers (metrics, readiness): never gathered, never waited on. */
    public Map<Integer, CompletableFuture<EnergySample>> cumulativeEnergyEach(Collection<Integer> ids) {
        return workers.submitEach(ids, PackageEnergy::sample);
    }

    /** As {@link #cumulativeEnergyEach}, for power. */
    public Map<Integer, CompletableFuture<PowerMw>> powerEach(Collection<Integer> ids) {
        return workers.submitEach(ids, CpuService::oneShotPower);
    }

    private static PowerMw oneShotPower(PackageEnergy energy) {
        EnergySample latest = energy.sample();
        EnergySample earlier = energy.window().partnerFor(latest).orElse(null);
        if (earlier == null) {
            earlier = latest;
            sleepOnWorker(ONE_SHOT_WINDOW_MS);
            latest = energy.sample();
        }
        return PowerMw.between(earlier, latest);
    }

    /** Blocking is fine here: this runs on the package's own worker, never on the event loop. */
    private static void sleepOnWorker(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException(DeviceErrorKind.INTERNAL, "interrupted while sampling RAPL");
        }
    }

    /** Calls made on the RAPL devices since start, for tests and metrics. */
    public long deviceCallCount() {
        return workers.callCount();
    }

    /** Failed RAPL reads (faults), since start. */
    public long deviceFaultCount() {
        return workers.faultCount();
    }

    @Override
    public void close() {
        wrapGuard.close();
        workers.close();
    }
}
