package dev.zeusd.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.device.cpu.EnergySample;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuReading;
import dev.zeusd.service.gpu.GpuService;

/**
 * Device readings for the metrics endpoint: refreshed before a scrape renders ({@link MetricsAccess}), at most once
 * per {@link #MAX_AGE_NANOS} however often Prometheus scrapes, and only when it scrapes. A refresh reads every device
 * at once and waits at most {@link #SCRAPE_WAIT_MS} for them all: a device that has not answered by then (stuck,
 * or failing) is down for this scrape, and its series are left out ({@link DeviceMetrics}), so one bad GPU never
 * costs the node's other series. The gauges only read the last refresh; they never touch a device.
 */
@Singleton
public class MetricsSnapshot {
    static final long MAX_AGE_NANOS = 1_000_000_000L;
    /** Well inside Prometheus' default scrape timeout (10 s) and the 2 s a scrape may take. */
    static final long SCRAPE_WAIT_MS = 1500;

    /** What the last refresh read; a device absent from a map did not answer. {@code up} is keyed {@code gpu1}. */
    record Readings(SortedMap<Integer, GpuReading> gpus, SortedMap<Integer, PowerMw> cpuPower,
            SortedMap<Integer, EnergySample> cpuEnergy, Map<String, Boolean> up) {
        static final Readings EMPTY = new Readings(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), Map.of());

        /** Before the first scrape nothing is known to be down. */
        boolean isUp(String device) {
            return up.getOrDefault(device, true);
        }
    }

    private final GpuService gpus;
    private final CpuService cpus;
    private final List<Consumer<Readings>> listeners = new ArrayList<>();
    private volatile Readings latest = Readings.EMPTY;
    private Refresh current;
    private long publishedAtNanos;

    @Inject
    public MetricsSnapshot(GpuService gpus, CpuService cpus) {
        this.gpus = gpus;
        this.cpus = cpus;
    }

    /** The last refresh's readings. */
    Readings latest() {
        return latest;
    }

    /** {@code listener} gets every refresh's readings before any scrape renders them. */
    synchronized void onRefresh(Consumer<Readings> listener) {
        listeners.add(listener);
    }

    /**
     * Before a scrape, on a worker thread, never an event loop: reads the devices if the last refresh is older than a
     * second, or joins a refresh under way, and returns within {@link #SCRAPE_WAIT_MS} of that refresh's start.
     */
    void refresh() {
        Refresh refresh;
        synchronized (this) {
            if (current == null || (current.published && System.nanoTime() - publishedAtNanos >= MAX_AGE_NANOS)) {
                current = new Refresh();
            }
            refresh = current;
        }
        refresh.awaitAndPublish();
    }

    /** One read of every device, published once: by whichever scrape finishes waiting first. */
    private final class Refresh {
        private final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SCRAPE_WAIT_MS);
        private final Map<Integer, CompletableFuture<GpuReading>> gpuReadings = gpus.readings(gpus.ids());
        private final Map<Integer, CompletableFuture<PowerMw>> power = cpus.powerEach(cpus.ids());
        private final Map<Integer, CompletableFuture<EnergySample>> energy = cpus.cumulativeEnergyEach(cpus.ids());
        private boolean published;

        void awaitAndPublish() {
            List<CompletableFuture<?>> all = new ArrayList<>(gpuReadings.values());
            all.addAll(power.values());
            all.addAll(energy.values());
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                        .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // a device failed or has not answered yet: it is down for this scrape, the others are published
            }
            synchronized (MetricsSnapshot.this) {
                if (published) {
                    return;
                }
                Map<String, Boolean> up = new TreeMap<>();
                SortedMap<Integer, GpuReading> gpuValues = answered(gpuReadings, "gpu", up);
                SortedMap<Integer, PowerMw> powerValues = answered(power, "cpu", up);
                SortedMap<Integer, EnergySample> energyValues = answered(energy, "cpu", up);
                latest = new Readings(gpuValues, powerValues, energyValues, up);
                published = true;
                publishedAtNanos = System.nanoTime();
                listeners.forEach(listener -> listener.accept(latest));
            }
        }

        /** The values of the reads that succeeded; every device read is marked in {@code up} (a CPU must pass both). */
        private <T> SortedMap<Integer, T> answered(Map<Integer, CompletableFuture<T>> reads, String kind,
                Map<String, Boolean> up) {
            SortedMap<Integer, T> values = new TreeMap<>();
            reads.forEach((id, read) -> {
                boolean ok = read.isDone() && !read.isCompletedExceptionally();
                if (ok) {
                    values.put(id, read.join());
                }
                up.merge(kind + id, ok, Boolean::logicalAnd);
            });
            return values;
        }
    }
}
