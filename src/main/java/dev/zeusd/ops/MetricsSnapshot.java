package dev.zeusd.ops;

import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeusd.device.cpu.EnergySample;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuReading;
import dev.zeusd.service.gpu.GpuService;
import io.vertx.core.Context;

/**
 * Device readings for the metrics endpoint, read at most once per {@link #MAX_AGE_NANOS} however often Prometheus
 * scrapes, and only when it scrapes.
 */
final class MetricsSnapshot {
    static final long MAX_AGE_NANOS = 1_000_000_000L;
    private static final long TIMEOUT_MS = 2000;

    record Readings(SortedMap<Integer, GpuReading> gpus, SortedMap<Integer, PowerMw> cpuPower,
            SortedMap<Integer, EnergySample> cpuEnergy) {
        static final Readings EMPTY = new Readings(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    private final GpuService gpus;
    private final CpuService cpus;
    private volatile Readings latest = Readings.EMPTY;
    private CompletableFuture<Readings> pending;
    private long readAtNanos;
    private boolean everRead;

    MetricsSnapshot(GpuService gpus, CpuService cpus) {
        this.gpus = gpus;
        this.cpus = cpus;
    }

    /**
     * The readings, refreshed first if older than a second. A refresh runs on the device workers (never inline: it is
     * started under this snapshot's lock); a scrape thread waits for it (with a timeout), but an event-loop thread
     * never does: it gets the previous readings and the next scrape sees the new ones.
     */
    Readings get() {
        CompletableFuture<Readings> refresh;
        synchronized (this) {
            long now = System.nanoTime();
            if (everRead && now - readAtNanos < MAX_AGE_NANOS) {
                return pending != null ? awaitOrLatest(pending) : latest;
            }
            everRead = true;
            readAtNanos = now;
            refresh = read();
            pending = refresh;
        }
        return awaitOrLatest(refresh);
    }

    private Readings awaitOrLatest(CompletableFuture<Readings> refresh) {
        if (Context.isOnEventLoopThread()) {
            return latest;
        }
        try {
            return refresh.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // keep the last good readings; readiness reports the failing device
        }
        return latest;
    }

    private CompletableFuture<Readings> read() {
        var gpuReadings = gpus.readings(gpus.ids()).toCompletableFuture();
        var power = cpus.power(cpus.ids()).toCompletableFuture();
        var energy = cpus.cumulativeEnergy(cpus.ids()).toCompletableFuture();
        return CompletableFuture.allOf(gpuReadings, power, energy).thenApply(done -> {
            Readings readings = new Readings(gpuReadings.join(), power.join(), energy.join());
            synchronized (this) {
                latest = readings;
                pending = null;
            }
            return readings;
        });
    }
}
