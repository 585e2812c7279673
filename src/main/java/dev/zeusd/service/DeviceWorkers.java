package dev.zeusd.service;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * One serial executor per device. Every call for device N runs on N's own thread in arrival order, so two requests
 * never interleave on one device and blocking native calls never run on the HTTP event loop.
 */
public final class DeviceWorkers<D> implements AutoCloseable {
    private final String kind;
    private final SortedMap<Integer, D> devices;
    private final SortedSet<Integer> ids;
    private final Map<Integer, ExecutorService> executors = new TreeMap<>();
    private final LongAdder calls = new LongAdder();

    /** @param devices the devices keyed by their API id */
    public DeviceWorkers(String kind, Map<Integer, D> devices) {
        this.kind = kind;
        this.devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices));
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(devices.keySet()));
        for (int id : this.devices.keySet()) {
            String name = "zeusd-" + kind + "-" + id;
            executors.put(id, Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
            }));
        }
    }

    /** The device ids, ascending. */
    public SortedSet<Integer> ids() {
        return ids;
    }

    /** Calls queued on any device since start: every hardware touch goes through here. */
    public long callCount() {
        return calls.sum();
    }

    public D device(int id) {
        return devices.get(id);
    }

    /**
     * Queues {@code call} on device {@code id}'s worker. The future fails with a {@link DeviceException} when the
     * call does.
     *
     * @throws DeviceException at once if the call cannot be queued (the daemon is stopping)
     */
    public <T> CompletableFuture<T> submit(int id, Function<D, T> call) {
        D device = devices.get(id);
        calls.increment();
        try {
            return CompletableFuture.supplyAsync(() -> call.apply(device), executors.get(id));
        } catch (RejectedExecutionException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL,
                    kind.toUpperCase() + " " + id + ": cannot queue the call, the daemon is shutting down");
        }
    }

    @Override
    public void close() {
        executors.values().forEach(ExecutorService::shutdown);
        for (ExecutorService executor : executors.values()) {
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
