package dev.zeusd.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** Keeps device {@code id}'s worker busy in a call until {@code device.release} counts down. */
    private static void holdWorker(DeviceWorkers<Device> workers, int id, Device device) throws InterruptedException {
        workers.submit(id, Device::hold);
        assertTrue(device.holding.await(5, TimeUnit.SECONDS));
    }
}
