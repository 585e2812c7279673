package dev.zeusd.service;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * One serial lane per device: a call on device N holds N's lane, so two calls never interleave on one device, and
 * blocking native calls never run on the HTTP event loop. Each lane has its own worker thread, so a hung device
 * stalls only its own calls.
 *
 * <p>
 * Reads of several devices are the hot path, and handing each device's read to its own thread costs more than the
 * read when the device is fast: measured on simulated GPUs, one request for 4 GPUs took 98 µs at the median
 * against 47 µs for 1 GPU. So {@link #readAll} runs the reads of devices that are idle and usually fast one after
 * the other on a single reader thread ({@link InlineReader}: one hand-off per request), and hands only slow or busy
 * devices to their workers, in parallel.
 */
public final class DeviceWorkers<D> implements AutoCloseable {
    /** A device whose reads take less than this on average is read inline by the reader thread. */
    static final long INLINE_READ_NANOS = 50_000;

    private final String kind;
    private final SortedSet<Integer> ids;
    private final Map<Integer, Lane<D>> lanes = new TreeMap<>();
    private final InlineReader reader;
    private final LongAdder calls = new LongAdder();
    /** Calls that failed with a fault (not a refusal such as NotSupported or NoPermission): for alerting. */
    private final LongAdder faults = new LongAdder();

    /** @param devices the devices keyed by their API id */
    public DeviceWorkers(String kind, Map<Integer, D> devices) {
        this.kind = kind;
        this.ids = Collections.unmodifiableSortedSet(new TreeSet<>(devices.keySet()));
        for (Map.Entry<Integer, D> device : devices.entrySet()) {
            String name = "zeusd-" + kind + "-" + device.getKey();
            lanes.put(device.getKey(), new Lane<>(device.getValue(), Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
            }), faults));
        }
        this.reader = new InlineReader("zeusd-" + kind + "-reader");
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

    public D device(int id) {
        return lanes.get(id).device;
    }

    /**
     * Queues {@code call} on device {@code id}'s worker; it runs after every call queued before it. The future fails
     * with a {@link DeviceException} when the call does.
     *
     * @throws DeviceException at once if the call cannot be queued (the daemon is stopping)
     */
    public <T> CompletableFuture<T> submit(int id, Function<D, T> call) {
        Lane<D> lane = lanes.get(id);
        CompletableFuture<T> result = new CompletableFuture<>();
        calls.increment();
        execute(id, lane, () -> lane.runLocked(call, result));
        return result;
    }

    /**
     * Queues a read on device {@code id}'s worker, or joins an identical read that is queued there and has not
     * started yet. Joining is as fresh as queueing another: the shared read starts after this request arrived. Under
     * load on a slow device this turns a queue of N identical reads into one hardware call. Reads are identical when
     * {@code read} is the same object (a method reference or non-capturing lambda is one object per call site).
     * Never use it for calls with effects: those must each run, see {@link #submit}.
     *
     * @throws DeviceException at once if the read cannot be queued (the daemon is stopping)
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> read(int id, Function<D, T> read) {
        Lane<D> lane = lanes.get(id);
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<?> shared = lane.queuedReads.putIfAbsent(read, mine);
        if (shared != null) {
            return (CompletableFuture<T>) shared.copy(); // a copy: one caller cancelling must not fail the others
        }
        calls.increment();
        try {
            execute(id, lane, () -> {
                lane.queuedReads.remove(read, mine); // from here on, a new request queues a new read
                lane.runLocked(read, mine);
            });
        } catch (DeviceException e) {
            lane.queuedReads.remove(read, mine);
            throw e;
        }
        return mine.copy();
    }

    /**
     * Reads every device in {@code ids}: devices that are idle and usually fast in sequence on one reader thread,
     * the others through {@link #read} on their own workers. A read may start before calls that are queued on its
     * device and have not started; a call that has completed always happened before it. Completes once each
     * device's future is known (not necessarily done).
     */
    public <T> CompletableFuture<Map<Integer, CompletableFuture<T>>> readAll(Collection<Integer> ids,
            Function<D, T> read) {
        Map<Integer, CompletableFuture<T>> results = new LinkedHashMap<>();
        boolean anyFast = false;
        for (int id : ids) {
            boolean fast = lanes.get(id).isFast();
            anyFast |= fast;
            results.put(id, fast ? null : readOrFail(id, read)); // slow devices start at once, in parallel
        }
        if (!anyFast) {
            return CompletableFuture.completedFuture(results);
        }
        CompletableFuture<Map<Integer, CompletableFuture<T>>> done = new CompletableFuture<>();
        reader.submit(new InlineReader.Job() {
            @Override
            public Runnable readInline() {
                results.replaceAll((id, queued) -> queued != null ? queued : readNow(id, read));
                return () -> done.complete(results);
            }

            @Override
            public void readElsewhere() {
                results.replaceAll((id, queued) -> queued != null ? queued : readOrFail(id, read));
                done.complete(results);
            }
        });
        return done;
    }

    /** On the reader thread: reads now if the device is idle, else queues the read on its worker. */
    private <T> CompletableFuture<T> readNow(int id, Function<D, T> read) {
        Lane<D> lane = lanes.get(id);
        Outcome<T> outcome = lane.runIfIdle(read);
        if (outcome == null) {
            return readOrFail(id, read);
        }
        calls.increment();
        CompletableFuture<T> result = new CompletableFuture<>();
        outcome.completeOn(result);
        return result;
    }

    private <T> CompletableFuture<T> readOrFail(int id, Function<D, T> read) {
        try {
            return read(id, read);
        } catch (DeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void execute(int id, Lane<D> lane, Runnable task) {
        try {
            lane.worker.execute(task);
        } catch (RejectedExecutionException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL,
                    kind.toUpperCase() + " " + id + ": cannot queue the call, the daemon is shutting down");
        }
    }

    @Override
    public void close() {
        reader.close();
        lanes.values().forEach(lane -> lane.worker.shutdown());
        for (Lane<D> lane : lanes.values()) {
            try {
                lane.worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A device, the lock that serialises calls on it, its worker, and how long its calls take. */
    private static final class Lane<D> {
        final D device;
        final ReentrantLock lock = new ReentrantLock();
        final ExecutorService worker;
        /** Reads queued on the worker and not yet started, by read function. */
        final Map<Object, CompletableFuture<?>> queuedReads = new ConcurrentHashMap<>();
        /** Moving average of call durations; starts slow, so a device is read inline only once measured fast. */
        volatile long averageNanos = INLINE_READ_NANOS;
        private final LongAdder faults;

        Lane(D device, ExecutorService worker, LongAdder faults) {
            this.device = device;
            this.worker = worker;
            this.faults = faults;
        }

        boolean isFast() {
            return averageNanos < INLINE_READ_NANOS;
        }

        <T> void runLocked(Function<D, T> call, CompletableFuture<T> result) {
            Outcome<T> outcome;
            lock.lock();
            try {
                outcome = runTimed(call);
            } finally {
                lock.unlock();
            }
            outcome.completeOn(result); // after unlocking: dependent stages must not run holding the lane
        }

        /** Runs {@code call} now if no other call holds the lane; null if one does. */
        <T> Outcome<T> runIfIdle(Function<D, T> call) {
            if (!lock.tryLock()) {
                return null;
            }
            try {
                return runTimed(call);
            } finally {
                lock.unlock();
            }
        }

        /** Runs {@code call}; the caller holds the lane's lock. */
        private <T> Outcome<T> runTimed(Function<D, T> call) {
            long start = System.nanoTime();
            try {
                return new Outcome<>(call.apply(device), null);
            } catch (Throwable e) {
                if (!(e instanceof DeviceException refused) || refused.kind() == DeviceErrorKind.INTERNAL) {
                    faults.increment();
                }
                return new Outcome<>(null, e);
            } finally {
                long took = System.nanoTime() - start;
                averageNanos += (took - averageNanos) / 8;
            }
        }
    }

    private record Outcome<T>(T value, Throwable error) {
        void completeOn(CompletableFuture<T> future) {
            if (error == null) {
                future.complete(value);
            } else {
                future.completeExceptionally(error);
            }
        }
    }
}
