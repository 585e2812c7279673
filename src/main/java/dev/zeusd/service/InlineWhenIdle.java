package dev.zeusd.service;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wraps one device's worker so that a quick {@link Read} runs on the caller's thread, skipping the hand-off, when
 * nothing is queued or running on the device and its recent reads took under {@link #INLINE_NANOS} on average.
 * Every other task goes to the worker. Each task, on either road, runs under this device's lock and is counted
 * while queued or running, so calls on the device never overlap and run in arrival order: a read only goes inline
 * when the count is zero, and a task queued behind an inline read waits for it on the lock. The worker knows nothing
 * of this.
 *
 * <p>
 * Reads are timed on both roads; a read that takes {@link #INLINE_NANOS} or more stops inlining at once, so every
 * read then goes to the worker, is timed there, and inlining resumes once their moving average is fast again. A
 * device starts slow, so its first reads are measured on the worker. The price: a read that hangs after being fast
 * blocks the caller's thread (an HTTP event loop) for as long as it hangs.
 */
final class InlineWhenIdle implements Executor {
    /** A device whose reads take less than this on average is read on the caller's thread. */
    static final long INLINE_NANOS = 50_000;

    /**
     * A task without effects that may run on the caller's thread, in two steps: {@link #call} touches the device,
     * {@link #complete} hands the result on once the device is free again, so whatever the result sets off is
     * neither timed nor holding the device. On a plain executor it simply runs both.
     */
    interface Read extends Runnable {
        void call();

        void complete();

        @Override
        default void run() {
            call();
            complete();
        }
    }

    private final ExecutorService worker;
    private final ReentrantLock lock = new ReentrantLock();
    /** Tasks handed over and not finished, inline ones included. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Moving average of read durations, written under the lock. */
    private volatile long averageNanos = INLINE_NANOS;

    InlineWhenIdle(ExecutorService worker) {
        this.worker = worker;
    }

    /**
     * Runs {@code task} now on this thread if it is a {@link Read} and the device is idle and fast, else queues it on
     * the worker.
     *
     * @throws RejectedExecutionException if the worker is shut down
     */
    @Override
    public void execute(Runnable task) {
        if (task instanceof Read read && averageNanos < INLINE_NANOS && !worker.isShutdown()
                && pending.compareAndSet(0, 1)) {
            if (lock.tryLock()) { // never waits: pending was 0, so every earlier task has unlocked
                if (!worker.isShutdown()) { // checked again under the lock: see awaitInlineReads
                    runLocked(read);
                    return;
                }
                lock.unlock();
            }
            pending.decrementAndGet();
        }
        pending.incrementAndGet();
        try {
            worker.execute(() -> {
                lock.lock();
                if (task instanceof Read read) {
                    runLocked(read);
                } else {
                    try {
                        task.run();
                    } finally {
                        release();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            throw e;
        }
    }

    /**
     * For stopping, after the worker has shut down: waits for an inline read still on the device, so the device's
     * library is not closed under it. A read that takes the lock after this finds the worker shut down and is refused
     * like any other task.
     *
     * @return false if a read still held the device after {@code timeout} (a hung device)
     */
    boolean awaitInlineReads(long timeout, TimeUnit unit) throws InterruptedException {
        if (lock.tryLock(timeout, unit)) {
            lock.unlock();
            return true;
        }
        return false;
    }

    /** Runs {@code read} timed, holding the lock and counted as pending; hands its result on once both are released. */
    private void runLocked(Read read) {
        long start = System.nanoTime();
        try {
            read.call();
        } finally {
            long took = System.nanoTime() - start;
            long average = averageNanos + (took - averageNanos) / 8;
            averageNanos = took >= INLINE_NANOS ? Math.max(average, took) : average;
            release();
        }
        read.complete();
    }

    private void release() {
        lock.unlock();
        pending.decrementAndGet();
    }
}
