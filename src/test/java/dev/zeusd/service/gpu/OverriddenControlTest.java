package dev.zeusd.service.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.override.OverrideCommandFailed;
import dev.zeusd.service.gpu.override.OverrideFileParser;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.GpuBackends;
import dev.zeusd.testsupport.RecordingGpu;
import dev.zeusd.testsupport.ShellScripts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Overridden operations run their commands on the GPU's worker instead of the device; the others still reach it. */
class OverriddenControlTest {
    @TempDir
    Path dir;


    private static GpuService service(List<GpuDevice> devices, CommandOverrides overrides) {
        return new GpuService(GpuBackends.of(devices), overrides, RestorePolicy.off(),
                new ControlAudit(new SimpleMeterRegistry()), DeviceWorkers.DEFAULT_TIMEOUT);
    }

    private CommandOverrides overrides(Path log) throws Exception {
        // 100000 mW sleeps first: a later call that overtook it would be logged before it
        Path record = ShellScripts.write(dir, "record.sh", "[ \"$2\" = 100000 ] && sleep 0.5\necho \"$*\" >> " + log);
        Path fail = ShellScripts.write(dir, "fail.sh", "echo 'nvidia-smi: Insufficient Permissions'\nexit 4");
        return OverrideFileParser.parse("[set_power_limit]\ncommands = [" + ShellScripts.toml(record
                + " {gpu_id} {power_limit_mw} {power_limit_w}") + "]\n[reset_locked_clocks]\ncommands = ["
                + ShellScripts.toml(fail + " {gpu_id}") + "]\n");
    }

    @Test
    void overriddenCallsRunCommandsInArrivalOrderAndOthersReachTheDevice() throws Exception {
        Path log = dir.resolve("calls.log");
        RecordingGpu gpu0 = new RecordingGpu(0);
        RecordingGpu gpu1 = new RecordingGpu(0);
        try (GpuService service = service(List.of(gpu0, gpu1), overrides(log));
                AuditCapture audit = new AuditCapture()) {
            service.control().run(Set.of(1), new GpuCommand.SetPowerLimit(100_000), false, "alice")
                    .toCompletableFuture().join();
            service.control().run(Set.of(1), new GpuCommand.SetPowerLimit(200_000), false, "alice")
                    .toCompletableFuture().join();
            service.control().run(Set.of(1), new GpuCommand.SetPowerLimit(253_999), true, "alice")
                    .toCompletableFuture().join();
            service.control().run(Set.of(0, 1), new GpuCommand.SetPersistenceMode(true), true, "alice")
                    .toCompletableFuture()
                    .join();

            assertEquals(List.of("1 100000 100", "1 200000 200", "1 253999 253"), Files.readAllLines(log));
            assertEquals(List.of("set_persistence_mode"), gpu1.calls().stream().map(RecordingGpu.Call::operation).toList(),
                    "the device saw an overridden call");
            assertEquals(List.of("set_persistence_mode"), gpu0.calls().stream().map(RecordingGpu.Call::operation).toList());

            List<String> lines = audit.awaitLines(5);
            String overridden = lines.stream().filter(l -> l.contains("power_limit_mw=253999")).findFirst()
                    .orElseThrow();
            assertTrue(overridden.contains(" caller=alice gpu=1 op=set_power_limit power_limit_mw=253999 previous=0 "
                    + "outcome=ok override=\"" + dir.resolve("record.sh") + " 1 253999 253: exit 0\""), overridden);
            String device = lines.stream().filter(l -> l.contains("op=set_persistence_mode")).findFirst().orElseThrow();
            assertTrue(device.endsWith("outcome=ok"), device);
        }
    }

    @Test
    void aFailedOverrideIs500AndItsAuditLineCarriesTheOutput() throws Exception {
        RecordingGpu gpu0 = new RecordingGpu(0);
        try (GpuService service = service(List.of(gpu0), overrides(dir.resolve("calls.log")));
                AuditCapture audit = new AuditCapture()) {
            CompletionException e = assertThrows(CompletionException.class, () -> service.control().run(Set.of(0),
                    new GpuCommand.ResetLockedClocks(), true, "bob").toCompletableFuture().join());
            OverrideCommandFailed failed = assertInstanceOf(OverrideCommandFailed.class,
                    assertInstanceOf(DeviceFailures.class, e.getCause()).failures().get(0));
            assertEquals(500, failed.kind().httpStatus());
            Path fail = dir.resolve("fail.sh");
            assertEquals("Override command failed: '" + fail + " 0' exited with code 4; stdout: nvidia-smi: "
                    + "Insufficient Permissions; stderr: (empty)", failed.getMessage());
            assertEquals(List.of(), gpu0.calls(), "the device was called although reset_locked_clocks is overridden");
            String line = audit.awaitLines(1).get(0);
            assertTrue(line.endsWith(" op=reset_locked_clocks previous=unknown outcome=error status=500 "
                    + "error=\"Override command failed: '" + fail + " 0' exited with code 4\" override=\"" + fail
                    + " 0: exited with code 4\" stdout=\"nvidia-smi: Insufficient Permissions\\n\" stderr=\"\""), line);
        }
    }
}
