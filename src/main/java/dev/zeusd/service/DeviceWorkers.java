package dev.zeusd.service;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * The one road to a device: each device has its own single-thread worker, and every call on a device runs there, in
 * arrival order. So two calls never interleave on one device, blocking native calls never run on the HTTP event
 * loop, and a hung device stalls only its own calls. {@link #all} runs one call on several devices in parallel and
 * gathers the results, or every device's failure.
 *
 * <p>
 * An earlier version read fast devices inline on one shared reader thread, joined identical queued reads and kept a
 * moving average of call times to choose between the two roads (~350 lines). It engaged only for reads under 50 µs,
 * which the simulator's are and NVML's are not known to be. There it gave about a fifth more requests per second at
 * 16 connections and a 1-connection p50 of 53 µs instead of 83 µs for all 4 simulated GPUs (medians of 12
 * interleaved runs on a loaded 2-core machine, each run's spread 3x). It went anyway: an inline read must hold a lock
 * that the workers share, so it cannot sit beside this road, and with it "only the device's worker calls it" was
 * not true.
 */
public final class DeviceWorkers<D> implements AutoCloseable {
    private final String kind;
    private final SortedSet<Integer> ids;
    private final Map<Integer, D> devices = new TreeMap<>();
    private final Map<Integer, ExecutorService> workers = new TreeMap<>();
    private final LongAdder calls = new LongAdder();
    /** Calls that failed with a fault (not a refusal such as NotSupported or NoPermission): for alerting. */
    private final LongAdder faults = new LongAdder();

    /** @param devices the devices keyed by their API id */
    public DeviceWorkers(String kind, Map<Integer, D> devices) {
        this.kind = kind;
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(devices.keySet()));
        this.devices.putAll(devices);
        for (int id : ids) {
            String name = "zeusd-" + kind + "-" + id;
            workers.put(id, Executors.newSingleThreadExecutor(r -> {
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

    /** Calls made on any device since start: every hardware touch goes through here. */
    public long callCount() {
        return calls.sum();
    }

    /** Device calls that failed with a fault (internal/driver errors, not refused requests), since start. */
    public long faultCount() {
        return faults.sum();
    }

    /** The device itself, for what it fixed when opened (its ranges, its identity); calls go through {@link #submit}. */
    public D device(int id) {
        return devices.get(id);
    }

    /**
     * Queues {@code call} on device {@code id}'s worker; it runs after every call queued before it. The future fails
     * with the call's exception when the call does.
     *
     * @throws DeviceException at once if the call cannot be queued (the daemon is stopping)
     */
    public <T> CompletableFuture<T> submit(int id, Function<D, T> call) {
        D device = devices.get(id);
        CompletableFuture<T> result = new CompletableFuture<>();
        calls.increment();
        try {
            workers.get(id).execute(() -> run(device, call, result));
        } catch (RejectedExecutionException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL,
                    kind.toUpperCase() + " " + id + ": cannot queue the call, the daemon is shutting down");
        }
        return result;
    }

    private <T> void run(D device, Function<D, T> call, CompletableFuture<T> result) {
        T value;
        try {
            value = call.apply(device);
        } catch (Throwable e) {
            if (!(e instanceof DeviceException refused) || refused.kind() == DeviceErrorKind.INTERNAL) {
                faults.increment();
            }
            result.completeExceptionally(e);
            return;
        }
        result.complete(value);
    }

    /**
     * Runs {@code call} on every device in {@code ids}, each on its own worker, all in parallel. Completes with each
     * device's result in ascending id order, or fails with {@link DeviceFailures} naming every device that failed,
     * once all have finished.
     */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, Function<D, T> call) {
        return all(ids, (id, device) -> call.apply(device));
    }

    /** As {@link #all(Collection, Function)}, for calls that need the device's id. */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, BiFunction<Integer, D, T> call) {
        Map<Integer, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (int id : ids) {
            try {
                futures.put(id, submit(id, device -> call.apply(id, device)));
            } catch (DeviceException e) {
                futures.put(id, CompletableFuture.failedFuture(e));
            }
        }
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .handle((ignored, ignoredError) -> gather(futures));
    }

    private static <T> SortedMap<Integer, T> gather(Map<Integer, CompletableFuture<T>> futures) {
        SortedMap<Integer, T> results = new TreeMap<>();
        SortedMap<Integer, DeviceException> failures = new TreeMap<>();
        futures.forEach((id, future) -> future.handle((value, error) -> {
            if (error == null) {
                results.put(id, value);
            } else {
                failures.put(id, error instanceof DeviceException device ? device
                        : new DeviceException(DeviceErrorKind.INTERNAL, "device " + id + ": unexpected error: " + error));
            }
            return null;
        }));
        if (!failures.isEmpty()) {
            throw new DeviceFailures(failures);
        }
        return results;
    }

    @Override
    public void close() {
        workers.values().forEach(ExecutorService::shutdown);
        for (ExecutorService worker : workers.values()) {
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
