package dev.zeusd.service;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * The one road to a device: each device has its own single-thread worker, and every call on a device goes through
 * it, so calls on one device never overlap and run in arrival order, and a hung device stalls only its own calls.
 * {@link #all} runs one call on several devices in parallel and gathers the results, or every device's failure;
 * {@link #read} does the same for quick reads without effects.
 *
 * <p>
 * Such a read runs on the caller's thread (the HTTP event loop) instead when its device is idle and its reads take
 * under 50 µs (only the API's one-shot reads ask for that; metrics, readiness and stream pollers hold a lock or a
 * timeout around their reads and use {@link #all} or {@link #submit}): {@link InlineWhenIdle} wraps each worker for
 * that, and the worker does not know it. The simulator's reads are that fast; NVML's are not known to be. For {@code GET /gpu/get_power} on 4 simulated GPUs it gave 3.6x
 * the requests per second at 16 connections (medians 37.8k against 10.6k; pair ratios 0.7x to 5.8x), a
 * 1-connection p50 of 21 µs instead of 53 µs (8 interleaved pairs), 19 µs of daemon CPU instead of 57 µs and 25.3 KB
 * allocated instead of 26.9 KB per request (12 pairs), on a loaded 2-core machine; without it, the plain road
 * measures as before. The price: a device that hangs in the middle of an inline read holds the caller's thread
 * while it hangs, so "a hung device stalls only its own calls" then holds for the worker road only.
 * {@code -Ddev.zeusd.inline-reads=false} turns it off.
 */
public final class DeviceWorkers<D> implements AutoCloseable {
    private final String kind;
    private final SortedSet<Integer> ids;
    private final Map<Integer, D> devices = new TreeMap<>();
    private final Map<Integer, ExecutorService> workers = new TreeMap<>();
    /** Each device's worker, or that worker behind {@link InlineWhenIdle}. */
    private final Map<Integer, Executor> roads = new TreeMap<>();
    private final LongAdder calls = new LongAdder();
    /** Calls that failed with a fault (not a refusal such as NotSupported or NoPermission): for alerting. */
    private final LongAdder faults = new LongAdder();

    /**
     * @param devices the devices keyed by their API id; {@link #read} may run on the caller's thread unless the
     *        system property {@code dev.zeusd.inline-reads} is {@code false}
     */
    public DeviceWorkers(String kind, Map<Integer, D> devices) {
        this(kind, devices, !"false".equals(System.getProperty("dev.zeusd.inline-reads")));
    }

    /** @param inlineReads whether {@link #read} may run on the caller's thread ({@link InlineWhenIdle}) */
    public DeviceWorkers(String kind, Map<Integer, D> devices, boolean inlineReads) {
        this.kind = kind;
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(devices.keySet()));
        this.devices.putAll(devices);
        for (int id : ids) {
            String name = "zeusd-" + kind + "-" + id;
            ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
            });
            workers.put(id, worker);
            roads.put(id, inlineReads ? new InlineWhenIdle(worker) : worker);
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
        Call<T> task = new Call<>(devices.get(id), call);
        execute(id, task);
        return task.result;
    }

    /**
     * Runs {@code call} on every device in {@code ids}, each on its own worker, all in parallel. Completes with each
     * device's result in ascending id order, or fails with {@link DeviceFailures} naming every device that failed,
     * once all have finished. For control calls and anything that may be slow; quick reads go through {@link #read}.
     */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, Function<D, T> call) {
        return all(ids, (id, device) -> call.apply(device));
    }

    /** As {@link #all(Collection, Function)}, for calls that need the device's id. */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, BiFunction<Integer, D, T> call) {
        return startAll(ids, id -> submit(id, device -> call.apply(id, device)));
    }

    /**
     * As {@link #all(Collection, Function)}, for a quick read without effects: a device that is idle and whose reads
     * are fast is read on the calling thread ({@link InlineWhenIdle}), still after every call queued before it.
     * Never for control calls or calls that may block.
     */
    public <T> CompletionStage<SortedMap<Integer, T>> read(Collection<Integer> ids, Function<D, T> read) {
        return startAll(ids, id -> {
            Reading<T> task = new Reading<>(devices.get(id), read);
            execute(id, task);
            return task.result;
        });
    }

    private void execute(int id, Runnable task) {
        calls.increment();
        try {
            roads.get(id).execute(task);
        } catch (RejectedExecutionException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL,
                    kind.toUpperCase() + " " + id + ": cannot queue the call, the daemon is shutting down");
        }
    }

    /** Starts one call per id and gathers them once all have finished. */
    private static <T> CompletionStage<SortedMap<Integer, T>> startAll(Collection<Integer> ids,
            IntFunction<CompletableFuture<T>> start) {
        Map<Integer, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (int id : ids) {
            try {
                futures.put(id, start.apply(id));
            } catch (DeviceException e) {
                futures.put(id, CompletableFuture.failedFuture(e));
            }
        }
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .handle((ignored, ignoredError) -> gather(futures));
    }

    /** Called once every future has finished: reads them without waiting, and builds the failures only if any. */
    private static <T> SortedMap<Integer, T> gather(Map<Integer, CompletableFuture<T>> futures) {
        SortedMap<Integer, T> results = new TreeMap<>();
        SortedMap<Integer, DeviceException> failures = null;
        for (Map.Entry<Integer, CompletableFuture<T>> entry : futures.entrySet()) {
            int id = entry.getKey();
            try {
                results.put(id, entry.getValue().join());
            } catch (CompletionException | CancellationException e) {
                Throwable error = e instanceof CompletionException ? e.getCause() : e;
                if (failures == null) {
                    failures = new TreeMap<>();
                }
                failures.put(id, error instanceof DeviceException device ? device
                        : new DeviceException(DeviceErrorKind.INTERNAL, "device " + id + ": unexpected error: " + error));
            }
        }
        if (failures != null) {
            throw new DeviceFailures(failures);
        }
        return results;
    }

    /** One call on one device: {@link #call} runs it, {@link #complete} hands its outcome to {@link #result}. */
    private class Call<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final D device;
        private final Function<D, T> call;
        private T value;
        private Throwable error;

        Call(D device, Function<D, T> call) {
            this.device = device;
            this.call = call;
        }

        public void call() {
            try {
                value = call.apply(device);
            } catch (Throwable e) {
                if (!(e instanceof DeviceException refused) || refused.kind() == DeviceErrorKind.INTERNAL) {
                    faults.increment();
                }
                error = e;
            }
        }

        public void complete() {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(error);
            }
        }

        @Override
        public void run() {
            call();
            complete();
        }
    }

    /** A call that {@link InlineWhenIdle} may run on the caller's thread. */
    private final class Reading<T> extends Call<T> implements InlineWhenIdle.Read {
        Reading(D device, Function<D, T> read) {
            super(device, read);
        }
    }

    @Override
    public void close() {
        workers.values().forEach(ExecutorService::shutdown);
        try {
            for (ExecutorService worker : workers.values()) {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
            for (Executor road : roads.values()) {
                if (road instanceof InlineWhenIdle inline) {
                    inline.awaitInlineReads(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
