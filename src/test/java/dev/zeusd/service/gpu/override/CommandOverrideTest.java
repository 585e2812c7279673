package dev.zeusd.service.gpu.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;
import dev.zeusd.testsupport.ShellScripts;

/** Running an override's commands for real: small shell scripts written by each test. */
class CommandOverrideTest {
    private static final Map<String, String> GPU_3 = Map.of("gpu_id", "3");

    @TempDir
    Path dir;

    private static CommandOverride reset(String extra, String... commands) {
        StringBuilder toml = new StringBuilder("[reset_locked_clocks]\ncommands = [");
        for (int i = 0; i < commands.length; i++) {
            toml.append(i == 0 ? "" : ", ").append(ShellScripts.toml(commands[i]));
        }
        toml.append("]\n").append(extra);
        return OverrideFileParser.parse(toml.toString()).forOperation(Operation.RESET_LOCKED_CLOCKS).orElseThrow();
    }

    private static OverrideCommandFailed failure(CommandOverride override) {
        return assertThrows(OverrideCommandFailed.class, () -> override.run(GPU_3));
    }

    @Test
    void runsEachCommandInOrderWithItsWordsFilledIn() throws Exception {
        Path log = dir.resolve("argv.log");
        Path record = ShellScripts.write(dir, "record.sh", "for a in \"$@\"; do printf '[%s]' \"$a\" >> " + log
                + "; done; echo >> " + log);
        String ran = reset("", record + " first --gpu={gpu_id} 'two words'", record + " second {gpu_id}").run(GPU_3);
        assertEquals("[first][--gpu=3][two words]\n[second][3]\n", Files.readString(log));
        assertEquals(record + " first --gpu=3 'two words': exit 0; " + record + " second 3: exit 0", ran);
    }

    @Test
    void nonZeroExitFailsWithTheCommandItsStatusAndOutput() throws Exception {
        Path script = ShellScripts.write(dir, "fail.sh", "echo standard-output\necho standard-error >&2\nexit 7");
        OverrideCommandFailed e = failure(reset("", script + " {gpu_id}"));
        assertEquals("Override command failed: '" + script + " 3' exited with code 7; stdout: standard-output; "
                + "stderr: standard-error", e.getMessage());
        assertEquals(500, e.kind().httpStatus());
        assertEquals("Override command failed: '" + script + " 3' exited with code 7", e.summary());
        assertEquals(Map.of("override", script + " 3: exited with code 7", "stdout", "standard-output\n", "stderr",
                "standard-error\n"), e.auditFields());
    }

    @Test
    void errorPatternFailsEvenAfterExitZero() throws Exception {
        Path script = ShellScripts.write(dir, "pattern.sh", "echo 'amd-smi: ERROR: write refused' >&2\nexit 0");
        OverrideCommandFailed e = failure(reset("error_pattern = \"(?i)error\"\n", script.toString()));
        assertTrue(e.getMessage().startsWith("Override command failed: '" + script
                + "' exited 0 but its output matched error_pattern '(?i)error'; stdout: (empty); stderr: amd-smi: "),
                e.getMessage());
        Path quiet = ShellScripts.write(dir, "quiet.sh", "echo all good");
        assertEquals(quiet + ": exit 0", reset("error_pattern = \"(?i)error\"\n", quiet.toString()).run(GPU_3));
    }

    @Test
    void timeoutKillsTheWholeTreeAndReturnsWithinItsLimit() throws Exception {
        Path childPid = dir.resolve("child.pid");
        Path script = ShellScripts.write(dir, "hang.sh", "sleep 30 &\necho $! > " + childPid + "\nexec sleep 30");
        long start = System.nanoTime();
        OverrideCommandFailed e = failure(reset("timeout_s = 1\n", script.toString()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        assertTrue(e.getMessage().startsWith("Override command failed: '" + script + "' timed out after 1s and was "
                + "killed with its child processes"), e.getMessage());
        long pid = Long.parseLong(Files.readString(childPid).strip());
        assertTrue(ShellScripts.awaitGone(pid, 5_000), "the background child " + pid + " survived the timeout");
    }

    @Test
    void aBackgroundChildHoldingTheOutputNeverHoldsTheCall() throws Exception {
        Path childPid = dir.resolve("linger.pid");
        Path script = ShellScripts.write(dir, "linger.sh", "sleep 30 &\necho $! > " + childPid + "\necho started");
        try {
            long start = System.nanoTime();
            assertEquals(script + ": exit 0", reset("error_pattern = \"(?i)error\"\n", script.toString()).run(GPU_3));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
        } finally {
            ProcessHandle.of(Long.parseLong(Files.readString(childPid).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aMissingBinaryFailsWithoutRunningAnything() {
        OverrideCommandFailed e = failure(reset("", "/nonexistent/zeusd-override-tool {gpu_id}"));
        assertEquals("Override command failed: '/nonexistent/zeusd-override-tool 3' could not be started: No such file "
                + "or directory; stdout: (empty); stderr: (empty)", e.getMessage());
    }

    @Test
    void stopsAtTheFirstFailure() throws Exception {
        Path marker = dir.resolve("marker");
        Path first = ShellScripts.write(dir, "first.sh", "exit 1");
        Path second = ShellScripts.write(dir, "second.sh", "touch " + marker);
        OverrideCommandFailed e = failure(reset("", first.toString(), second.toString()));
        assertFalse(Files.exists(marker), "the second command ran after the first failed");
        assertEquals(first + ": exited with code 1", e.auditFields().get("override"));
    }

    @Test
    void theResponseCarriesOnlyTheLastTwoKilobytesTheAuditAll() throws Exception {
        Path script = ShellScripts.write(dir, "loud.sh", "i=0; while [ $i -lt 1000 ]; do echo line-$i; i=$((i+1)); done; "
                + "exit 2");
        OverrideCommandFailed e = failure(reset("", script.toString()));
        String stdout = e.getMessage().substring(e.getMessage().indexOf("; stdout: ") + 10,
                e.getMessage().indexOf("; stderr: "));
        assertTrue(stdout.startsWith("[...]") && stdout.endsWith("line-999"), stdout);
        assertEquals(OverrideCommandFailed.RESPONSE_TAIL_BYTES, stdout.length() - "[...]".length());
        assertTrue(e.auditFields().get("stdout").startsWith("line-0\nline-1\n"));
        assertEquals(List.of("line-999"), e.auditFields().get("stdout").lines().skip(999).toList());
    }

    @Test
    void commandsRunInTheDaemonsEnvironment() throws Exception {
        Path out = dir.resolve("env");
        Path script = ShellScripts.write(dir, "env.sh", "echo \"$PATH\" > " + out);
        reset("", script.toString()).run(GPU_3);
        assertEquals(System.getenv("PATH"), Files.readString(out).strip());
    }
}
