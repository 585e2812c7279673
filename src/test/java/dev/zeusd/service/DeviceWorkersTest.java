package dev.zeusd.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

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

    private final Function<Device, Integer> power = Device::read;

    @Test
    void identicalQueuedReadsShareOneHardwareCall() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            holdWorker(workers, 0, device);
            CompletableFuture<Integer> first = workers.read(0, power);
            CompletableFuture<Integer> second = workers.read(0, power);
            CompletableFuture<Integer> other = workers.read(0, d -> d.read() * 100); // another read: its own call
            device.release.countDown();

            assertEquals(1, first.get(5, TimeUnit.SECONDS));
            assertEquals(1, second.get(5, TimeUnit.SECONDS));
            assertEquals(200, other.get(5, TimeUnit.SECONDS));
            assertEquals(2, device.reads.get());
            assertEquals(3, workers.callCount(), "hold + one shared read + the other read");
        }
    }

    @Test
    void aReadThatAlreadyStartedIsNotJoined() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            Function<Device, Integer> slow = Device::hold;
            CompletableFuture<Integer> running = workers.read(0, slow);
            assertTrue(device.holding.await(5, TimeUnit.SECONDS)); // started: a new request must not get its value
            CompletableFuture<Integer> later = workers.read(0, slow);
            device.release.countDown();
            running.get(5, TimeUnit.SECONDS);
            later.get(5, TimeUnit.SECONDS);
            assertEquals(2, workers.callCount());
        }
    }

    @Test
    void callsWithEffectsAreNeverJoinedAndCancellingOneCallerLeavesTheOthers() throws Exception {
        Device device = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, device))) {
            holdWorker(workers, 0, device);
            Function<Device, Integer> effect = Device::read;
            CompletableFuture<Integer> a = workers.submit(0, effect);
            CompletableFuture<Integer> b = workers.submit(0, effect);
            CompletableFuture<Integer> shared1 = workers.read(0, power);
            CompletableFuture<Integer> shared2 = workers.read(0, power);
            shared1.cancel(true);
            device.release.countDown();
            assertEquals(1, a.get(5, TimeUnit.SECONDS));
            assertEquals(2, b.get(5, TimeUnit.SECONDS));
            assertEquals(3, shared2.get(5, TimeUnit.SECONDS));
            assertFalse(shared2.isCancelled());
        }
    }

    @Test
    void fastIdleDevicesAreReadOnOneReaderThreadAndBusyOnesOnTheirWorkers() throws Exception {
        Device gpu0 = new Device();
        Device gpu1 = new Device();
        Device gpu2 = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, gpu0, 1, gpu1, 2, gpu2))) {
            Function<Device, String> where = d -> Thread.currentThread().getName();
            // unmeasured devices count as slow: each goes to its own worker
            assertEquals(Map.of(0, "zeusd-gpu-0", 1, "zeusd-gpu-1", 2, "zeusd-gpu-2"), readAll(workers, where));
            // measured fast now: all three on one reader thread, one hand-off for the request
            Map<Integer, String> fast = warmUntilReadInline(workers);
            assertEquals(1, fast.values().stream().distinct().count(), fast.toString());

            // GPU 1 busy in a long call: the reader does not wait for it, its worker reads it afterwards
            holdWorker(workers, 1, gpu1);
            CompletableFuture<Map<Integer, CompletableFuture<String>>> pending = workers.readAll(List.of(0, 1, 2), where);
            Map<Integer, CompletableFuture<String>> futures = pending.get(5, TimeUnit.SECONDS);
            assertTrue(futures.get(0).isDone() && futures.get(2).isDone(), "idle devices were not held up");
            assertFalse(futures.get(1).isDone());
            gpu1.release.countDown();
            assertEquals("zeusd-gpu-1", futures.get(1).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aDeviceThatHangsInAnInlineReadStallsOnlyItself() throws Exception {
        Device gpu0 = new Device();
        Device gpu1 = new Device();
        try (DeviceWorkers<Device> workers = new DeviceWorkers<>("gpu", Map.of(0, gpu0, 1, gpu1))) {
            java.util.concurrent.atomic.AtomicBoolean hang = new java.util.concurrent.atomic.AtomicBoolean();
            Function<Device, Integer> read = d -> d == gpu1 && hang.get() ? d.hold() : d.read();
            warmUntilReadInline(workers);
            hang.set(true);
            CompletableFuture<Map<Integer, CompletableFuture<Integer>>> hung = workers.readAll(List.of(0, 1), read);
            assertTrue(gpu1.holding.await(5, TimeUnit.SECONDS));
            // another request for GPU 0 alone is answered while GPU 1 hangs
            assertEquals(2, workers.readAll(List.of(0), read).get(5, TimeUnit.SECONDS).get(0).get(5, TimeUnit.SECONDS));
            gpu1.release.countDown();
            assertEquals(-1, hung.get(5, TimeUnit.SECONDS).get(1).get(5, TimeUnit.SECONDS));
        }
    }

    /** Keeps device {@code id}'s worker busy in a call until {@code device.release} counts down. */
    private static void holdWorker(DeviceWorkers<Device> workers, int id, Device device) throws InterruptedException {
        workers.submit(id, Device::hold);
        assertTrue(device.holding.await(5, TimeUnit.SECONDS));
    }

    /**
     * Reads until every device is read on the reader thread. A descheduled thread can make one read look slow on a
     * busy machine; the moving average forgets it after some fast reads, so this loops instead of assuming one read
     * is enough.
     */
    private static Map<Integer, String> warmUntilReadInline(DeviceWorkers<Device> workers) throws Exception {
        Function<Device, String> where = d -> Thread.currentThread().getName();
        Map<Integer, String> last = Map.of();
        for (int i = 0; i < 1000; i++) {
            last = readAll(workers, where);
            if (last.values().stream().allMatch(name -> name.startsWith("zeusd-gpu-reader"))) {
                return last;
            }
        }
        throw new AssertionError("devices never read inline: " + last);
    }

    private static <T> Map<Integer, T> readAll(DeviceWorkers<Device> workers, Function<Device, T> read)
            throws Exception {
        Map<Integer, T> values = new java.util.TreeMap<>();
        for (var e : workers.readAll(workers.ids(), read).get(5, TimeUnit.SECONDS).entrySet()) {
            values.put(e.getKey(), e.getValue().get(5, TimeUnit.SECONDS));
        }
        return values;
    }
}
