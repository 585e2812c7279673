package dev.zeusd.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

class DeviceWorkersTest {
    /** A device whose reads count themselves and whose first call can be held, so that others queue behind it. */
    static final class Device {
        final AtomicInteger reads = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch holding = new CountDownLatch(1);

        int hold() {
            holding.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        int read() {
            return reads.incrementAndGet();
        }
    }

    @Test
    void callsOnOneDeviceRunOnItsOwnWorkerInArrivalOrder() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(3, device))) {
            holdWorker(workers, 3, device);
            CompletableFuture<Integer> a = workers.submit(3, Device::read);
            CompletableFuture<Integer> b = workers.submit(3, Device::read);
            CompletableFuture<String> where = workers.submit(3, d -> Thread.currentThread().getName());
            assertFalse(a.isDone(), "ran past the call before it");
            device.release.countDown();
            assertEquals(1, a.get(5, TimeUnit.SECONDS));
            assertEquals(2, b.get(5, TimeUnit.SECONDS));
            assertEquals("zeusd-gpu-3", where.get(5, TimeUnit.SECONDS));
            assertEquals(4, workers.callCount());
        }
    }

    @Test
    void allGathersEveryResultInIdOrderAndAHungDeviceStallsOnlyItself() throws Exception {
        Device gpu0 = new Device();
        Device gpu1 = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, gpu0, 1, gpu1))) {
            holdWorker(workers, 1, gpu1);
            assertEquals(Map.of(0, 1), workers.all(List.of(0), Device::read).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS), "GPU 0 answers while GPU 1 hangs");
            CompletableFuture<SortedMap<Integer, String>> both = workers
                    .all(List.of(1, 0), (Integer id, Device d) -> id + ":" + d.read()).toCompletableFuture();
            gpu1.release.countDown();
            assertEquals(List.of("0:2", "1:1"), List.copyOf(both.get(5, TimeUnit.SECONDS).values()));
        }
    }

    @Test
    void allFailsWithEveryFailedDevicesErrorAndCountsOnlyFaults() throws Exception {
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu",
                Map.of(0, new Device(), 1, new Device(), 2, new Device()))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> workers.all(List.of(0, 1, 2),
                    (Integer id, Device d) -> {
                        if (id == 1) {
                            throw new DeviceException(DeviceErrorKind.NOT_SUPPORTED, "no");
                        }
                        if (id == 2) {
                            throw new IllegalStateException("bug");
                        }
                        return d.read();
                    }).toCompletableFuture().get(5, TimeUnit.SECONDS));
            DeviceFailures failures = assertInstanceOf(DeviceFailures.class, e.getCause());
            assertEquals(List.of(1, 2), List.copyOf(failures.failures().keySet()));
            assertEquals(DeviceErrorKind.NOT_SUPPORTED, failures.failures().get(1).kind());
            assertEquals(DeviceErrorKind.INTERNAL, failures.failures().get(2).kind());
            assertTrue(failures.failures().get(2).getMessage().contains("bug"));
            assertEquals(1, workers.faultCount(), "a refusal is not a fault");
        }
    }

    @Test
    void aClosedWorkerRefusesCallsAsAFailedDevice() throws Exception {
        DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, new Device()));
        workers.close();
        assertThrows(DeviceException.class, () -> workers.submit(0, Device::read));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> workers.all(List.of(0), Device::read).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(assertInstanceOf(DeviceFailures.class, e.getCause()).failures().get(0).getMessage()
                .contains("shutting down"));
    }

    /** A device that notes which thread calls it and whether two calls ever overlap. */
    static final class Recorder {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger inline = new AtomicInteger();
        /** What each caller did, in the order the device saw it: not thread-safe, as devices are not. */
        final List<long[]> seen = new ArrayList<>();

        String record(long caller, long step) {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            String thread = Thread.currentThread().getName();
            if (!thread.startsWith("zeusd-")) {
                inline.incrementAndGet();
            }
            seen.add(new long[] {caller, step});
            long spin = System.nanoTime() + 2_000; // long enough for a second caller to arrive, still fast
            while (System.nanoTime() < spin) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
            return thread;
        }
    }

    @Test
    void readsAndWritesFromManyThreadsNeverOverlapAndKeepEachCallersOrder() throws Exception {
        Recorder device = new Recorder();
        int callers = 8;
        int steps = 2_000;
        try (DeviceWorkers<Recorder> workers = new DeviceWorkers<>("gpu", Map.of(0, device), true)) {
            readInline(workers, 0, d -> d.record(-1, 0));
            ExecutorService threads = Executors.newFixedThreadPool(callers);
            List<Future<CompletableFuture<?>>> lasts = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                long caller = c;
                lasts.add(threads.submit(() -> {
                    CompletableFuture<?> last = null;
                    for (long step = 0; step < steps; step++) {
                        long now = step;
                        if (step % 3 == 0) {
                            last = workers.submit(0, d -> d.record(caller, now)); // without waiting
                        } else {
                            last = workers.read(List.of(0), d -> d.record(caller, now)).toCompletableFuture();
                        }
                        if (step % 5 == 0) {
                            last.join(); // at times idle, so that reads can go inline
                        }
                    }
                    return last;
                }));
            }
            for (Future<CompletableFuture<?>> last : lasts) {
                last.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
            assertEquals(0, device.overlaps.get(), "two calls ran on the device at once");
            assertTrue(device.inline.get() > 1, "no read went inline: " + device.inline.get());
            long[] next = new long[callers];
            for (long[] call : device.seen) {
                if (call[0] >= 0) {
                    assertEquals(next[(int) call[0]]++, call[1], "caller " + call[0] + "'s calls out of order");
                }
            }
            for (long n : next) {
                assertEquals(steps, n);
            }
        }
    }

    @Test
    void aReadOfAnIdleFastDeviceRunsOnTheCallersThreadAndNothingElseDoes() throws Exception {
        Device device = new Device();
        String here = Thread.currentThread().getName();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device), true)) {
            assertEquals(here, readInline(workers, 0, d -> Thread.currentThread().getName()).join().get(0));
            assertEquals("zeusd-gpu-0",
                    workers.submit(0, d -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS));
            assertEquals("zeusd-gpu-0", workers.all(List.of(0), d -> Thread.currentThread().getName())
                    .toCompletableFuture().get(5, TimeUnit.SECONDS).get(0), "all is for control calls: never inline");
            holdWorker(workers, 0, device);
            CompletableFuture<SortedMap<Integer, String>> behind = workers
                    .read(List.of(0), d -> Thread.currentThread().getName()).toCompletableFuture();
            assertFalse(behind.isDone(), "ran past the call before it");
            device.release.countDown();
            assertEquals("zeusd-gpu-0", behind.get(5, TimeUnit.SECONDS).get(0));
        }
    }

    @Test
    void withoutInlineReadsEveryReadGoesToTheWorker() throws Exception {
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, new Device()), false)) {
            for (int i = 0; i < 50; i++) {
                assertEquals("zeusd-gpu-0", workers.read(List.of(0), d -> Thread.currentThread().getName())
                        .toCompletableFuture().get(5, TimeUnit.SECONDS).get(0));
            }
        }
    }

    @Test
    void aFailingInlineReadFailsItsFutureAndCountsAsAFaultAsOnTheWorker() throws Exception {
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, new Device()), true)) {
            AtomicInteger tries = new AtomicInteger();
            CompletableFuture<SortedMap<Integer, Integer>> bug = readInline(workers, 0, (Device d) -> {
                tries.incrementAndGet();
                throw new IllegalStateException("bug");
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> bug.get(5, TimeUnit.SECONDS));
            DeviceException failure = assertInstanceOf(DeviceFailures.class, e.getCause()).failures().get(0);
            assertEquals(DeviceErrorKind.INTERNAL, failure.kind());
            assertTrue(failure.getMessage().contains("bug"));
            assertEquals(tries.get(), workers.faultCount(), "each try a fault, the inline one and any on the worker");
            long faults = workers.faultCount();
            CompletableFuture<SortedMap<Integer, Integer>> refused = readInline(workers, 0, (Device d) -> {
                throw new DeviceException(DeviceErrorKind.NOT_SUPPORTED, "no");
            });
            assertTrue(refused.isCompletedExceptionally());
            assertEquals(faults, workers.faultCount(), "a refusal is not a fault, inline or not");
        }
    }

    /**
     * Reads device {@code id} until a read runs on this thread, and returns that read: the first reads are timed on
     * the worker, and one that took long (this thread preempted) sends the next to the worker too.
     */
    private static <D, T> CompletableFuture<SortedMap<Integer, T>> readInline(DeviceWorkers<D> workers, int id,
            Function<D, T> read) {
        Thread me = Thread.currentThread();
        for (int i = 0; i < 100; i++) {
            boolean[] here = new boolean[1]; // only this thread ever sets it
            CompletableFuture<SortedMap<Integer, T>> result = workers.read(List.of(id), (D d) -> {
                here[0] = Thread.currentThread() == me;
                return read.apply(d);
            }).toCompletableFuture();
            if (here[0]) {
                assertTrue(result.isDone(), "an inline read is done when read returns");
                return result;
            }
            result.handle((value, error) -> null).join();
        }
        throw new AssertionError("an idle, fast device was never read inline");
    }

    /** Keeps device {@code id}'s worker busy in a call until {@code device.release} counts down. */
    private static void holdWorker(DeviceWorkers<Device> workers, int id, Device device) throws InterruptedException {
        workers.submit(id, Device::hold);
        assertTrue(device.holding.await(5, TimeUnit.SECONDS));
    }
}
