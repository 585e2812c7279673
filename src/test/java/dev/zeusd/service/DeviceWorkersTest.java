package dev.zeusd.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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

import org.junit.jupiter.api.Test;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

class DeviceWorkersTest {
    /** A device whose reads count themselves and whose first call can be held, so that others queue behind it. */
    static final class Device {
        final AtomicInteger reads = new AtomicInteger();
        volatile int setting;
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

    /** A device that notes whether two calls ever overlap. */
    static final class Recorder {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        /** What each caller did, in the order the device saw it: not thread-safe, as devices are not. */
        final List<long[]> seen = new ArrayList<>();

        String record(long caller, long step) {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            seen.add(new long[] {caller, step});
            long spin = System.nanoTime() + 2_000; // long enough for a second caller to arrive, still fast
            while (System.nanoTime() < spin) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
            return Thread.currentThread().getName();
        }
    }

    @Test
    void callsFromManyThreadsNeverOverlapKeepEachCallersOrderAndRunOnlyOnTheWorker() throws Exception {
        Recorder device = new Recorder();
        int callers = 8;
        int steps = 2_000;
        try (DeviceWorkers<Recorder> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            ExecutorService threads = Executors.newFixedThreadPool(callers);
            List<Future<List<CompletableFuture<String>>>> all = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                long caller = c;
                all.add(threads.submit(() -> {
                    List<CompletableFuture<String>> calls = new ArrayList<>();
                    for (long step = 0; step < steps; step++) {
                        long now = step;
                        calls.add(workers.submit(0, d -> d.record(caller, now)));
                        if (step % 5 == 0) {
                            calls.get(calls.size() - 1).join(); // at times idle
                        }
                    }
                    return calls;
                }));
            }
            for (Future<List<CompletableFuture<String>>> calls : all) {
                for (CompletableFuture<String> call : calls.get(30, TimeUnit.SECONDS)) {
                    assertEquals("zeusd-gpu-0", call.get(30, TimeUnit.SECONDS));
                }
            }
            threads.shutdown();
            assertEquals(0, device.overlaps.get(), "two calls ran on the device at once");
            long[] next = new long[callers];
            for (long[] call : device.seen) {
                assertEquals(next[(int) call[0]]++, call[1], "caller " + call[0] + "'s calls out of order");
            }
            for (long n : next) {
                assertEquals(steps, n);
            }
        }
    }

    static final SharedRead<Device, Integer> READ = new SharedRead<>("read", Device::read);

    @Test
    void readsOfOneQuantityArrivingWhileOneIsInFlightShareItsResult() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            holdWorker(workers, 0, device);
            List<CompletableFuture<SortedMap<Integer, Integer>>> readers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                readers.add(workers.read(List.of(0), READ).toCompletableFuture());
            }
            CompletableFuture<Integer> unshared = workers.submit(0, Device::read);
            device.release.countDown();
            for (CompletableFuture<SortedMap<Integer, Integer>> reader : readers) {
                assertEquals(1, reader.get(5, TimeUnit.SECONDS).get(0), "each reader got the one shared read");
            }
            assertEquals(2, unshared.get(5, TimeUnit.SECONDS));
            assertEquals(2, device.reads.get(), "twenty readers and one plain call: two reads of the device");
        }
    }

    @Test
    void aFreshSampleAnswersAtOnceButNotAfterACallThatMayHaveChangedIt() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            assertEquals(1, workers.read(List.of(0), READ).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0));
            long sampled = System.nanoTime();
            CompletableFuture<SortedMap<Integer, Integer>> again = workers.read(List.of(0), READ).toCompletableFuture();
            if (System.nanoTime() - sampled < DeviceLane.SAMPLE_REUSE_NANOS / 2) { // not preempted in between
                assertTrue(again.isDone(), "a sample under a millisecond old answers without a hand-off");
                assertEquals(1, again.join().get(0));
            }
            workers.submit(0, d -> "a control call").get(5, TimeUnit.SECONDS);
            assertEquals(device.reads.get() + 1,
                    workers.read(List.of(0), READ).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0),
                    "a read after a control call reads the device again");
        }
    }

    static final SharedRead<Device, Integer> SETTING = new SharedRead<>("setting", d -> d.setting);

    @Test
    void aReadAfterAQueuedControlCallNeverSharesAReadQueuedBeforeIt() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            holdWorker(workers, 0, device);
            CompletableFuture<SortedMap<Integer, Integer>> before = workers.read(List.of(0), SETTING)
                    .toCompletableFuture();
            workers.submit(0, d -> d.setting = 2); // not waited for, as block=false
            CompletableFuture<SortedMap<Integer, Integer>> after = workers.read(List.of(0), SETTING)
                    .toCompletableFuture();
            device.release.countDown();
            assertEquals(0, before.get(5, TimeUnit.SECONDS).get(0));
            assertEquals(2, after.get(5, TimeUnit.SECONDS).get(0), "read the setting from before the call");
            assertEquals(2, workers.read(List.of(0), SETTING).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0));
        }
    }

    @Test
    void aCallThatMissesItsDeadlineFailsWith503NamingTheDeviceAndTheDeviceFailsFastUntilItAnswers() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(1, device), Duration.ofMillis(200))) {
            CompletableFuture<Integer> hung = workers.submit(1, Device::hold);
            assertTrue(device.holding.await(5, TimeUnit.SECONDS));
            CompletableFuture<Integer> queued = workers.submit(1, Device::read);
            ExecutionException missed = assertThrows(ExecutionException.class, () -> hung.get(5, TimeUnit.SECONDS));
            DeviceException timeout = assertInstanceOf(DeviceTimeoutException.class, missed.getCause());
            assertEquals("GPU 1 did not answer within 200 ms", timeout.getMessage());
            assertEquals(503, timeout.kind().httpStatus());
            assertInstanceOf(DeviceTimeoutException.class,
                    assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS)).getCause());
            assertTrue(workers.stuck(1));
            long before = System.nanoTime();
            DeviceTimeoutException fast = assertThrows(DeviceTimeoutException.class, () -> workers.submit(1, Device::read));
            assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(100), "refused at once");
            assertTrue(fast.getMessage().startsWith("GPU 1 is not answering: a call has been waiting on it for "),
                    fast.getMessage());
            device.release.countDown(); // the driver answers again
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.stuck(1) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, workers.submit(1, Device::read).get(5, TimeUnit.SECONDS),
                    "the call queued behind the hung one never ran: its caller had given up");
        }
    }

    @Test
    void aDeviceWithTooManyCallsWaitingRefusesMoreWith503() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            holdWorker(workers, 0, device);
            for (int i = 0; i < DeviceLane.QUEUE_LIMIT; i++) {
                workers.submit(0, Device::read);
            }
            DeviceTimeoutException busy = assertThrows(DeviceTimeoutException.class,
                    () -> workers.submit(0, Device::read));
            assertEquals("GPU 0 is busy: " + DeviceLane.QUEUE_LIMIT + " calls are waiting for it", busy.getMessage());
            device.release.countDown();
        }
    }

    /** Keeps device {@code id}'s worker busy in a call until {@code device.release} counts down. */
    private static void holdWorker(DeviceWorkers<Device> workers, int id, Device device) throws InterruptedException {
        workers.submit(id, Device::hold);
        assertTrue(device.holding.await(5, TimeUnit.SECONDS));
    }
}
