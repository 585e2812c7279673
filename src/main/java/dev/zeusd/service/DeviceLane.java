package dev.zeusd.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * One device's road: a single worker thread that runs its calls one at a time in arrival order, a deadline on each
 * call, and the sharing of reads. The caller never waits on the device: it gets a future that completes with the
 * call's result, or fails with {@link DeviceTimeoutException} once the device timeout has passed since the call was
 * made (the call itself stays on the worker: a thread inside a driver cannot be taken back). A device whose running
 * call has taken longer than the timeout is stuck: further calls fail at once until that call returns. Calls whose
 * caller has given up before they started never touch the device, and at most {@link #QUEUE_LIMIT} wait.
 */
final class DeviceLane<D> {
    /** Calls that may wait for the device; more is a client storm or a device that hangs, and is refused with 503. */
    static final int QUEUE_LIMIT = 256;
    /**
     * A read no older than this serves a read of the same quantity without touching the device: NVML's and AMD SMI's
     * power samples update every few milliseconds at best, so nobody can tell, and a burst of clients costs one read.
     */
    static final long SAMPLE_REUSE_NANOS = 1_000_000;
    /** A sample older than this still answers, and starts the next read: readers seldom wait for a hand-off. */
    static final long REFRESH_AHEAD_NANOS = SAMPLE_REUSE_NANOS / 2;
    private static final Logger LOG = Logger.getLogger(DeviceLane.class);

    private final String label;
    private final D device;
    private final long timeoutNanos;
    private final String timeoutText;
    private final ThreadPoolExecutor worker;
    private final ScheduledExecutorService deadlines;
    private final LongAdder calls;
    private final LongAdder faults;
    private final Map<SharedRead<D, ?>, Shared<?>> shared = new ConcurrentHashMap<>();
    /** The call on the device right now, or null: what makes the device stuck when it runs too long. */
    private volatile Call<?> running;
    /**
     * Counts the calls that may change what the device reads, at their start and their end: a read's result becomes
     * the sample only if no such call came between the read being queued and its result.
     */
    private final AtomicLong changeEpoch = new AtomicLong();

    DeviceLane(String label, String threadName, D device, Duration timeout, ScheduledExecutorService deadlines,
            LongAdder calls, LongAdder faults) {
        this.label = label;
        this.device = device;
        this.timeoutNanos = timeout.toNanos();
        this.timeoutText = text(timeout);
        this.deadlines = deadlines;
        this.calls = calls;
        this.faults = faults;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_LIMIT),
                DaemonThreads.named(threadName));
    }

    /** "5 s", or "300 ms" for a timeout that is not whole seconds. */
    static String text(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    D device() {
        return device;
    }

    /**
     * Queues {@code call}; the future fails with {@link DeviceTimeoutException} if it has not finished within the
     * device timeout.
     *
     * @throws DeviceTimeoutException at once if the device is stuck or too many calls wait for it
     * @throws DeviceException at once if the daemon is stopping
     */
    <T> CompletableFuture<T> submit(Function<D, T> call) {
        return submit(call, true);
    }

    /** @param changes whether the call may change what the device reads (then no earlier sample is reused) */
    private <T> CompletableFuture<T> submit(Function<D, T> call, boolean changes) {
        failIfStuck();
        Call<T> task = new Call<>(call, changes);
        if (changes) {
            forgetSamples(); // a read after this call was queued must run after it, not reuse what came before
        }
        try {
            task.deadline = deadlines.schedule(task::missedDeadline, timeoutNanos, TimeUnit.NANOSECONDS);
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            if (task.deadline != null) {
                task.deadline.cancel(false);
            }
            if (worker.isShutdown() || deadlines.isShutdown()) {
                throw new DeviceException(DeviceErrorKind.INTERNAL,
                        label + ": cannot queue the call, the daemon is shutting down");
            }
            throw new DeviceTimeoutException(label + " is busy: " + QUEUE_LIMIT + " calls are waiting for it");
        }
        return task.result;
    }

    /**
     * A read of {@code quantity}: answered by a sample of it taken less than {@link #SAMPLE_REUSE_NANOS} ago, else by
     * the read of it already waiting or running on the device, else by a new one. A sample past half its reuse time
     * still answers, and starts the next read in the background, so that under steady load a reader seldom waits for
     * a hand-off to the worker. The future is shared: callers chain on it and never complete or cancel it.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> read(SharedRead<D, T> quantity) {
        Shared<T> slot = (Shared<T>) shared.computeIfAbsent(quantity, q -> new Shared<>());
        Sample<T> sample = slot.sample;
        if (sample != null) {
            long age = System.nanoTime() - sample.readAtNanos;
            if (age < SAMPLE_REUSE_NANOS) {
                if (age > REFRESH_AHEAD_NANOS && slot.inFlight == null) {
                    refreshAhead(slot, quantity);
                }
                return sample.result;
            }
        }
        CompletableFuture<T> inFlight = slot.inFlight;
        return inFlight != null ? inFlight : start(slot, quantity);
    }

    /** The next read of a quantity whose sample still answers; a device that refuses it now is read on demand later. */
    private <T> void refreshAhead(Shared<T> slot, SharedRead<D, T> quantity) {
        try {
            start(slot, quantity);
        } catch (DeviceException e) {
            // stuck, overrun or stopping: the next reader past the sample's age gets that error itself
        }
    }

    /** The read in flight for {@code quantity}, started now unless another thread just started one. */
    private <T> CompletableFuture<T> start(Shared<T> slot, SharedRead<D, T> quantity) {
        synchronized (slot) {
            if (slot.inFlight != null) {
                return slot.inFlight;
            }
            long startedAt = System.nanoTime();
            long epoch = changeEpoch.get();
            CompletableFuture<T> read = submit(quantity.read(), false);
            slot.inFlight = read;
            read.whenComplete((value, error) -> {
                synchronized (slot) {
                    if (error == null && changeEpoch.get() == epoch) {
                        slot.sample = new Sample<>(read, startedAt);
                    }
                    if (slot.inFlight == read) {
                        slot.inFlight = null;
                    }
                }
            });
            return read;
        }
    }

    /** No sample or read queued so far answers a later read. */
    private void forgetSamples() {
        changeEpoch.incrementAndGet();
        for (Shared<?> slot : shared.values()) {
            synchronized (slot) {
                slot.sample = null;
                slot.inFlight = null;
            }
        }
    }

    private void failIfStuck() {
        Call<?> current = running;
        if (current != null) {
            long runningNanos = System.nanoTime() - current.startedAtNanos;
            if (runningNanos > timeoutNanos) {
                throw new DeviceTimeoutException(label + " is not answering: a call has been waiting on it for "
                        + TimeUnit.NANOSECONDS.toSeconds(runningNanos) + " s (device timeout " + timeoutText + ")");
            }
        }
    }

    /** Whether a call has been on the device for longer than the timeout. */
    boolean stuck() {
        Call<?> current = running;
        return current != null && System.nanoTime() - current.startedAtNanos > timeoutNanos;
    }

    /** Stops taking calls; the worker ends after the calls queued so far. */
    void shutdown() {
        worker.shutdown();
    }

    /** @return false if the worker is still busy (a call stuck in the driver) after {@code nanos} */
    boolean awaitTermination(long nanos) throws InterruptedException {
        return worker.awaitTermination(nanos, TimeUnit.NANOSECONDS);
    }

    String label() {
        return label;
    }

    /** A read's outcome and when it started: reused for {@link #SAMPLE_REUSE_NANOS}. */
    private record Sample<T>(CompletableFuture<T> result, long readAtNanos) {
    }

    /** The sharing state of one quantity on this device; {@code sample} and {@code inFlight} change under its lock. */
    private static final class Shared<T> {
        volatile Sample<T> sample;
        volatile CompletableFuture<T> inFlight;
    }

    /** One call: runs on the worker unless its caller gave up first; its future completes at most once. */
    private final class Call<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Function<D, T> call;
        private final boolean changes;
        volatile ScheduledFuture<?> deadline;
        volatile long startedAtNanos;

        Call(Function<D, T> call, boolean changes) {
            this.call = call;
            this.changes = changes;
        }

        void missedDeadline() {
            result.completeExceptionally(new DeviceTimeoutException(label + " did not answer within " + timeoutText));
        }

        @Override
        public void run() {
            if (result.isDone()) {
                return; // its caller got a timeout while it waited: it must not touch the device any more
            }
            calls.increment();
            startedAtNanos = System.nanoTime();
            running = this;
            T value = null;
            Throwable error = null;
            try {
                value = call.apply(device);
            } catch (Throwable e) {
                if (!(e instanceof DeviceException refused) || refused.kind() == DeviceErrorKind.INTERNAL) {
                    faults.increment();
                }
                error = e;
            } finally {
                running = null;
                if (changes) {
                    forgetSamples();
                }
            }
            long tookNanos = System.nanoTime() - startedAtNanos;
            if (tookNanos > timeoutNanos) {
                LOG.infof("%s answered again after %d ms (device timeout %s)", label,
                        TimeUnit.NANOSECONDS.toMillis(tookNanos), timeoutText);
            }
            deadline.cancel(false);
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(error);
            }
        }
    }
}
