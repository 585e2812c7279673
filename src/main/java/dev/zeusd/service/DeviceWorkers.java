package dev.zeusd.service;

import java.time.Duration;
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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * The one road to a device: each device has its own {@link DeviceLane}, a single worker thread that runs every call
 * on that device in arrival order, with a deadline on each. No caller ever runs a device call itself or waits on one
 * without a deadline, so a device that hangs in its driver stalls only its own calls, and those fail with 503 once
 * the device timeout has passed (at once while it stays stuck). {@link #all} runs one call on several devices in
 * parallel and gathers the results, or every device's failure; {@link #read} does the same for reads that concurrent
 * callers share.
 */
public final class DeviceWorkers<D> implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** How long stopping waits for the workers before it leaves a stuck one behind. */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger LOG = Logger.getLogger(DeviceWorkers.class);

    private final SortedSet<Integer> ids;
    private final Map<Integer, DeviceLane<D>> lanes = new TreeMap<>();
    private final ScheduledThreadPoolExecutor deadlines;
    private final LongAdder calls = new LongAdder();
    /** Calls that failed with a fault (not a refusal such as NotSupported or NoPermission): for alerting. */
    private final LongAdder faults = new LongAdder();

    /** With the default device timeout. */
    public DeviceWorkers(String kind, Map<Integer, D> devices) {
        this(kind, devices, DEFAULT_TIMEOUT);
    }

    /**
     * @param kind {@code gpu} or {@code cpu}: names the threads ({@code zeusd-gpu-1}) and the devices in errors
     *        ({@code GPU 1})
     * @param timeout how long a caller waits for a device call before it gets a {@link DeviceTimeoutException}
     */
    public DeviceWorkers(String kind, Map<Integer, D> devices, Duration timeout) {
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(devices.keySet()));
        this.deadlines = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("zeusd-" + kind + "-deadlines"));
        deadlines.setRemoveOnCancelPolicy(true); // most calls finish in time: their timers must not pile up
        // The executor wakes its thread whenever a new timer becomes the earliest, which every call's timer would
        // while the queue is otherwise empty: a second thread wake-up per device call, a clear loss of request rate
        // under load (docs/performance.md). A no-op that always comes first keeps the call timers behind it.
        long beat = Math.max(1, timeout.toNanos() / 2);
        deadlines.scheduleAtFixedRate(() -> { }, beat, beat, TimeUnit.NANOSECONDS);
        for (int id : ids) {
            lanes.put(id, new DeviceLane<>(kind.toUpperCase() + " " + id, "zeusd-" + kind + "-" + id,
                    devices.get(id), timeout, deadlines, calls, faults));
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
        return lanes.get(id).device();
    }

    /** Whether device {@code id} has been inside one call for longer than the device timeout. */
    public boolean stuck(int id) {
        return lanes.get(id).stuck();
    }

    /**
     * Queues {@code call} on device {@code id}'s worker; it runs after every call queued before it. The future fails
     * with the call's exception when the call does, and with {@link DeviceTimeoutException} when the device timeout
     * passes first (a call that has not started by then never runs).
     *
     * @throws DeviceException at once if the call cannot be queued: the device is stuck or overrun (503), or the
     *         daemon is stopping
     */
    public <T> CompletableFuture<T> submit(int id, Function<D, T> call) {
        return lanes.get(id).submit(call);
    }

    /**
     * Runs {@code call} on every device in {@code ids}, each on its own worker, all in parallel. Completes with each
     * device's result in ascending id order, or fails with {@link DeviceFailures} naming every device that failed,
     * once all have finished or missed their deadline. For control calls; reads go through {@link #read}.
     */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, Function<D, T> call) {
        return all(ids, (id, device) -> call.apply(device));
    }

    /** As {@link #all(Collection, Function)}, for calls that need the device's id. */
    public <T> CompletionStage<SortedMap<Integer, T>> all(Collection<Integer> ids, BiFunction<Integer, D, T> call) {
        return gather(ids, id -> submit(id, device -> call.apply(id, device)));
    }

    /**
     * As {@link #all(Collection, Function)}, for a read that concurrent callers share ({@link DeviceLane#read}): when
     * every device has a fresh sample, the stage is already complete and no thread is handed anything.
     */
    public <T> CompletionStage<SortedMap<Integer, T>> read(Collection<Integer> ids, SharedRead<D, T> quantity) {
        return gather(ids, id -> lanes.get(id).read(quantity));
    }

    /** {@link #submit} on each device, not gathered: as {@link #readEach}, for calls that are not shared. */
    public <T> Map<Integer, CompletableFuture<T>> submitEach(Collection<Integer> ids, Function<D, T> call) {
        return start(ids, id -> submit(id, call));
    }

    /**
     * One shared read per device, not gathered: for callers that take whatever has answered by their own deadline
     * (a scrape, a probe). A device that refuses the call at once has a failed future.
     */
    public <T> Map<Integer, CompletableFuture<T>> readEach(Collection<Integer> ids, SharedRead<D, T> quantity) {
        return start(ids, id -> lanes.get(id).read(quantity));
    }

    private static <T> Map<Integer, CompletableFuture<T>> start(Collection<Integer> ids,
            IntFunction<CompletableFuture<T>> start) {
        Map<Integer, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (int id : ids) {
            try {
                futures.put(id, start.apply(id));
            } catch (DeviceException e) {
                futures.put(id, CompletableFuture.failedFuture(e));
            }
        }
        return futures;
    }

    /**
     * Starts one call per id and gathers them once all have finished, in ascending id order, or fails with
     * {@link DeviceFailures}; at once when all already have. A start that throws {@link DeviceException} is that
     * device's failure.
     */
    public static <T> CompletionStage<SortedMap<Integer, T>> gather(Collection<Integer> ids,
            IntFunction<CompletableFuture<T>> start) {
        Map<Integer, CompletableFuture<T>> futures = start(ids, start);
        if (futures.values().stream().allMatch(CompletableFuture::isDone)) {
            try {
                return CompletableFuture.completedFuture(collect(futures));
            } catch (DeviceFailures e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                .handle((ignored, ignoredError) -> collect(futures));
    }

    /** Called once every future has finished: reads them without waiting, and builds the failures only if any. */
    private static <T> SortedMap<Integer, T> collect(Map<Integer, CompletableFuture<T>> futures) {
        SortedMap<Integer, T> results = new TreeMap<>();
        SortedMap<Integer, DeviceException> failures = null;
        for (Map.Entry<Integer, CompletableFuture<T>> entry : futures.entrySet()) {
            int id = entry.getKey();
            try {
                results.put(id, entry.getValue().join());
            } catch (CompletionException | CancellationException e) {
                if (failures == null) {
                    failures = new TreeMap<>();
                }
                failures.put(id, asDeviceException(id, e));
            }
        }
        if (failures != null) {
            throw new DeviceFailures(failures);
        }
        return results;
    }

    /** The device's own exception behind a future's failure, or an internal error naming the device. */
    public static DeviceException asDeviceException(int id, Throwable failure) {
        Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return error instanceof DeviceException device ? device
                : new DeviceException(DeviceErrorKind.INTERNAL, "device " + id + ": unexpected error: " + error);
    }

    /** As {@link #closeAndAwait()}. */
    @Override
    public void close() {
        closeAndAwait();
    }

    /**
     * Stops taking calls and waits (at most {@link #CLOSE_WAIT_NANOS} in all) for the calls already queued. A device
     * still inside a call after that is left to its thread, which never keeps the JVM alive.
     *
     * @return whether every worker finished: only then may the device library be closed
     */
    public boolean closeAndAwait() {
        lanes.values().forEach(DeviceLane::shutdown);
        deadlines.shutdown();
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        boolean allDone = true;
        try {
            for (DeviceLane<D> lane : lanes.values()) {
                if (!lane.awaitTermination(Math.max(0, deadline - System.nanoTime()))) {
                    LOG.warnf("%s is still inside a device call: stopping without waiting for it", lane.label());
                    allDone = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            allDone = false;
        }
        return allDone;
    }
}
