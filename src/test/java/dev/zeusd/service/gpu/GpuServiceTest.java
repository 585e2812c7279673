package dev.zeusd.service.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.gpu.sim.SimulatedGpuBackend;
import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.testsupport.GpuBackends;
import dev.zeusd.testsupport.ManualClock;
import dev.zeusd.testsupport.RecordingGpu;

class GpuServiceTest {
    @Test
    void everyReadRunsOnTheGpusOwnWorkerNeverOnTheCallersThread() throws Exception {
        RecordingGpu gpu = new RecordingGpu(0);
        try (GpuService service = new GpuService(GpuBackends.of(List.of(gpu)))) {
            for (int i = 0; i < 50; i++) {
                service.power(Set.of(0)).toCompletableFuture().join();
                service.powerLimit(Set.of(0)).toCompletableFuture().join();
                service.pollPower(0).toCompletableFuture().join();
                service.readings(Set.of(0)).get(0).join();
                service.powerLimitProbe(Set.of(0)).get(0).join();
                Thread.sleep(1); // past the sample reuse: each round reads the device again
            }
            assertTrue(gpu.calls().size() >= 100, "reads reached the device: " + gpu.calls().size());
            assertTrue(gpu.calls().stream().allMatch(c -> c.thread().equals("zeusd-gpu-0")),
                    "a read ran off the GPU's worker");
        }
    }

    @Test
    void queuedWritesRunInArrivalOrderOnTheGpusOwnThread() throws Exception {
        RecordingGpu gpu0 = new RecordingGpu(200);
        RecordingGpu gpu1 = new RecordingGpu(0);
        try (GpuService service = new GpuService(GpuBackends.of(List.of(gpu0, gpu1)))) {
            for (int i = 0; i < 200; i++) {
                service.control().run(Set.of(0, 1), new GpuCommand.SetPowerLimit(100_000 + i), false, "test")
                        .toCompletableFuture()
                        .join();
            }
            // A blocking call queues behind every earlier one, so once it returns all of them ran.
            service.control().run(Set.of(0, 1), new GpuCommand.ResetGpuLockedClocks(), true, "test")
                    .toCompletableFuture().join();
        }
        for (RecordingGpu gpu : List.of(gpu0, gpu1)) {
            List<Long> limits = gpu.calls().stream().filter(c -> c.operation().equals("set_power_limit"))
                    .map(RecordingGpu.Call::value).toList();
            assertEquals(IntStream.range(0, 200).mapToObj(i -> 100_000L + i).toList(), limits);
            assertEquals("reset_gpu_locked_clocks", gpu.calls().get(gpu.calls().size() - 1).operation());
        }
        assertTrue(gpu0.calls().stream().allMatch(c -> c.thread().equals("zeusd-gpu-0")));
        assertTrue(gpu1.calls().stream().allMatch(c -> c.thread().equals("zeusd-gpu-1")));
    }

    @Test
    void blockingWriteReportsEveryFailedGpuAndStillAppliesTheOthers() {
        ManualClock clock = new ManualClock();
        SimulatedGpuBackend backend = new SimulatedGpuBackend(3, clock);
        try (GpuService service = new GpuService(backend)) {
            CompletionException e = assertThrows(CompletionException.class, () -> service.control()
                    .run(Set.of(0, 1, 2), new GpuCommand.SetPowerLimit(50_000), true, "test").toCompletableFuture()
                    .join());
            DeviceFailures failures = assertInstanceOf(DeviceFailures.class, e.getCause());
            assertEquals(Set.of(0, 1, 2), failures.failures().keySet());
            assertEquals(400, failures.worstStatus());
            assertEquals(DeviceErrorKind.INVALID_ARGUMENT, failures.failures().get(1).kind());

            service.control().run(Set.of(1), new GpuCommand.SetPowerLimit(150_000), true, "test")
                    .toCompletableFuture().join();
            clock.advance(Duration.ofSeconds(1));
            var limits = service.powerLimit(Set.of(0, 1, 2)).toCompletableFuture().join();
            assertEquals(List.of(300_000L, 150_000L, 300_000L), List.copyOf(limits.values()));
        }
    }
}
