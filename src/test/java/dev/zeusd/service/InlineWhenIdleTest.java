package dev.zeusd.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InlineWhenIdleTest {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "worker"));
    private final InlineWhenIdle road = new InlineWhenIdle(worker);

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    /** A read that notes the thread it touched the device on and the thread it completed on. */
    private static final class Where implements InlineWhenIdle.Read {
        final CompletableFuture<String> ranOn = new CompletableFuture<>();
        final Runnable device;
        String calledOn;

        Where(Runnable device) {
            this.device = device;
        }

        Where() {
            this(() -> { });
        }

        @Override
        public void call() {
            calledOn = Thread.currentThread().getName();
            device.run();
        }

        @Override
        public void complete() {
            ranOn.complete(calledOn);
        }

        String thread() throws Exception {
            return ranOn.get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads until {@code read} runs inline, as one does once the worker has timed a fast one (or again after this
     * thread was preempted in a read, which makes that read slow); false if it never did.
     */
    private boolean readInline(Supplier<Where> read) throws Exception {
        for (int i = 0; i < 100; i++) {
            Where next = read.get();
            road.execute(next);
            boolean done = next.ranOn.isDone();
            if (next.thread().equals(Thread.currentThread().getName())) {
                assertTrue(done, "an inline read is done when execute returns");
                return true;
            }
        }
        return false;
    }

    private void warmUp() throws Exception {
        assertTrue(readInline(Where::new), "a fast, idle device was never read inline");
    }

    @Test
    void aFreshDeviceIsMeasuredOnTheWorkerThenReadOnTheCallersThread() throws Exception {
        Where first = new Where();
        road.execute(first);
        assertEquals("worker", first.thread(), "not measured yet, so not inline");
        warmUp();
    }

    @Test
    void tasksThatAreNotReadsAlwaysGoToTheWorker() throws Exception {
        warmUp();
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        road.execute(() -> ranOn.complete(Thread.currentThread().getName()));
        assertEquals("worker", ranOn.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aReadWaitsBehindAPendingTaskOnTheWorker() throws Exception {
        warmUp();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        road.execute(() -> {
            holding.countDown();
            await(release);
        });
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        Where read = new Where();
        road.execute(read);
        assertFalse(read.ranOn.isDone(), "ran past the task before it");
        release.countDown();
        assertEquals("worker", read.thread());
    }

    @Test
    void aTaskHandedOverDuringAnInlineReadWaitsForItOnTheLock() throws Exception {
        warmUp();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Where slow = new Where(() -> {
            reading.countDown();
            await(release);
        });
        Thread caller = new Thread(() -> road.execute(slow), "caller");
        caller.start();
        assertTrue(reading.await(5, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        road.execute(() -> ran.set(true));
        Where after = new Where();
        road.execute(after);
        Thread.sleep(50);
        assertFalse(ran.get(), "the worker ran a task while the inline read held the device");
        assertFalse(after.ranOn.isDone(), "a read ran past the tasks before it");
        release.countDown();
        assertEquals("caller", slow.thread());
        assertEquals("worker", after.thread());
        assertTrue(ran.get());
        caller.join(5000);
    }

    @Test
    void aSlowReadStopsInliningUntilTheWorkerMeasuresFastReadsAgain() throws Exception {
        String here = Thread.currentThread().getName();
        Where slow = null;
        for (int i = 0; i < 10 && (slow == null || !slow.thread().equals(here)); i++) {
            warmUp(); // then a preempted warm-up read may still send this one to the worker: try again
            slow = new Where(() -> spin(3 * InlineWhenIdle.INLINE_NANOS)); // in a moving average, still fast
            road.execute(slow);
        }
        assertEquals(here, slow.thread(), "it was fast until this read");
        Where next = new Where();
        road.execute(next);
        assertEquals("worker", next.thread(), "one slow read turns inlining off at once");
        Where slowAgain = new Where(() -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)));
        road.execute(slowAgain);
        assertEquals("worker", slowAgain.thread(), "a slow device is measured on the worker, not retried inline");
        int onWorker = 0;
        for (; onWorker < 200; onWorker++) {
            Where read = new Where();
            road.execute(read);
            if (!read.thread().equals("worker")) {
                break;
            }
        }
        assertTrue(onWorker > 5 && onWorker < 200, "fast again after " + onWorker + " fast reads on the worker");
    }

    @Test
    void aFailingInlineReadFreesTheDevice() throws Exception {
        warmUp();
        Where failing = new Where(() -> {
            throw new IllegalStateException("bug");
        });
        assertThrows(IllegalStateException.class, () -> road.execute(failing));
        assertEquals(Thread.currentThread().getName(), failing.calledOn);
        warmUp(); // reads again on the worker (not locked) and then inline (not counted as pending)
    }

    @Test
    void aShutDownWorkerRefusesReadsToo() throws Exception {
        warmUp();
        worker.shutdown();
        assertThrows(RejectedExecutionException.class, () -> road.execute(new Where()));
        List<String> none = new CopyOnWriteArrayList<>();
        assertThrows(RejectedExecutionException.class, () -> road.execute(() -> none.add("ran")));
        assertEquals(List.of(), none);
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void stoppingWaitsForAnInlineReadAndThenRefusesReads() throws Exception {
        warmUp();
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Where held = new Where(() -> {
            inRead.countDown();
            await(release);
        });
        Thread reader = new Thread(() -> road.execute(held), "reader");
        reader.start();
        assertTrue(inRead.await(5, TimeUnit.SECONDS));
        worker.shutdown();
        assertFalse(road.awaitInlineReads(100, TimeUnit.MILLISECONDS), "closed under a read still on the device");
        release.countDown();
        assertTrue(road.awaitInlineReads(5, TimeUnit.SECONDS));
        assertEquals("reader", held.thread(), "the held read was not inline");
        reader.join(5000);
        assertThrows(RejectedExecutionException.class, () -> road.execute(new Where()));
    }
}
