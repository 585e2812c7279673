package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.ShellScripts;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * The packaged daemon, unprivileged (as nobody through setpriv when the build runs as root, else as the build's own
 * user), with gpu-control driven through override scripts over HTTP. The GPUs are the fake NVML library, set to refuse
 * every write with NoPermission as a real driver refuses an unprivileged process.
 */
class GpuCommandOverridesIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Path records;
    private final List<Long> leftovers = new ArrayList<>();

    @BeforeEach
    void scripts() throws IOException {
        dir = Files.createTempDirectory("zeusd-overrides");
        records = Files.createDirectory(dir.resolve("records"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(records, PosixFilePermissions.fromString("rwxrwxrwx"));
        ShellScripts.write(dir, "record.sh", "echo \"$*\" >> " + records.resolve("calls.log"));
        ShellScripts.write(dir, "fail.sh", "echo out-line\necho err-line >&2\nexit 3");
        ShellScripts.write(dir, "pattern.sh", "echo 'ERROR: the kernel refused the write' >&2\nexit 0");
        ShellScripts.write(dir, "hang.sh", "sleep 30 &\necho $! > " + records.resolve("hang-child.pid") + "\nexec sleep 30");
        ShellScripts.write(dir, "linger.sh", "sleep 30 &\necho $! > " + records.resolve("linger-child.pid") + "\necho ok");
    }

    @AfterEach
    void killLeftovers() {
        leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private Path overridesFile(String toml) throws IOException {
        Path file = Files.writeString(dir.resolve("overrides.toml"), toml.replace("DIR", dir.toString()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Runs zeusd unprivileged, with NVML refusing every write. */
    private static ZeusdProcess startUnprivileged(String... args) throws IOException {
        List<String> wrapper = new ArrayList<>();
        if (isRoot()) {
            wrapper.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        wrapper.addAll(List.of("/usr/bin/env", "FAKE_NVML_FAULTS=0:no_permission,1:no_permission,2:no_permission,"
                + "3:no_permission"));
        return ZeusdProcess.start(wrapper, ZeusdProcess.worldReadableCopyOfApp(), args);
    }

    private static Path worldReadableFakeNvml() throws IOException {
        Path copy = Files.createTempDirectory("zeusd-fake-nvml");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path library = Files.copy(Path.of(FakeNvmlHooks.libraryPath()), copy.resolve("libnvidia-ml.so.1"));
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rwxr-xr-x"));
        return library;
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }

    private static String daemonUid() throws IOException {
        return isRoot() ? "65534" : Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[2];
    }

    private static String errorOf(UdsHttpClient.Response response, int gpu) throws IOException {
        return JSON.readTree(response.body()).get("errors").get(Integer.toString(gpu)).asText();
    }

    @Test
    void anUnprivilegedDaemonDrivesGpuSettingsThroughItsScripts() throws Exception {
        Path file = overridesFile("""
                [set_power_limit]
                commands = ["DIR/record.sh power --gpu={gpu_id}:{power_limit_mw}:{power_limit_w}", "DIR/record.sh power-after {gpu_id}"]
                [set_gpu_locked_clocks]
                commands = ["DIR/record.sh clocks {gpu_id} {min_clock_mhz} {max_clock_mhz}", "DIR/fail.sh {gpu_id}", "DIR/record.sh never"]
                [set_mem_locked_clocks]
                commands = ["DIR/pattern.sh {gpu_id}"]
                error_pattern = "(?i)error"
                [reset_gpu_locked_clocks]
                commands = ["DIR/hang.sh"]
                timeout_s = 1
                [reset_mem_locked_clocks]
                commands = ["DIR/linger.sh"]
                error_pattern = "(?i)error"
                [reset_locked_clocks]
                commands = ["/nonexistent/zeusd-override-tool {gpu_id}"]
                """);
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = startUnprivileged("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:" + port,
                "--enable", "gpu-control,gpu-read", "--nvml-library", worldReadableFakeNvml().toString(),
                "--gpu-command-overrides", file.toString())) {
            zeusd.awaitStarted(START);
            UdsHttpClient http = UdsHttpClient.tcp(port);
            assertTrue(zeusd.stderr().contains("GPU command overrides from " + file + " for: set_power_limit, "
                    + "set_gpu_locked_clocks, reset_gpu_locked_clocks, set_mem_locked_clocks, reset_mem_locked_clocks, "
                    + "reset_locked_clocks; other control operations go to the GPU driver"), zeusd.stderr());
            assertTrue(zeusd.stderr().contains("API group 'gpu-control' is enabled without root because command "
                    + "overrides are configured"), zeusd.stderr());

            // substituted words, in order, per GPU; the driver is never asked
            assertEquals(200, http.post("/gpu/set_power_limit?gpu_ids=3&power_limit_mw=253999&block=true").status());
            assertEquals(List.of("power --gpu=3:253999:253", "power-after 3"),
                    Files.readAllLines(records.resolve("calls.log")));
            assertEquals(200, http.post("/gpu/set_power_limit?gpu_ids=0,1&power_limit_mw=150000&block=true").status());
            assertTrue(Files.readAllLines(records.resolve("calls.log")).containsAll(List.of("power --gpu=0:150000:150",
                    "power --gpu=1:150000:150", "power-after 0", "power-after 1")));
            assertEquals("{\"3\":{\"power_limit_mw\":300000}}", http.get("/gpu/get_power_limit?gpu_ids=3").body());

            // an operation without an override goes to the driver, which refuses an unprivileged process
            UdsHttpClient.Response driver = http.post("/gpu/set_persistence_mode?gpu_ids=0&enabled=true&block=true");
            assertEquals(403, driver.status(), driver.body());

            // non-zero exit: 500 naming the command, its status and output; later commands never run
            UdsHttpClient.Response failed = http.post(
                    "/gpu/set_gpu_locked_clocks?gpu_ids=2&min_clock_mhz=500&max_clock_mhz=1500&block=true");
            assertEquals(500, failed.status());
            assertEquals("Override command failed: '" + dir.resolve("fail.sh") + " 2' exited with code 3; stdout: "
                    + "out-line; stderr: err-line", errorOf(failed, 2));
            List<String> calls = Files.readAllLines(records.resolve("calls.log"));
            assertTrue(calls.contains("clocks 2 500 1500") && !calls.contains("never"), calls.toString());

            // error_pattern after exit 0
            UdsHttpClient.Response pattern = http.post(
                    "/gpu/set_mem_locked_clocks?gpu_ids=1&min_clock_mhz=500&max_clock_mhz=1500&block=true");
            assertEquals(500, pattern.status());
            assertTrue(errorOf(pattern, 1).contains("exited 0 but its output matched error_pattern '(?i)error'"),
                    pattern.body());

            // timeout: answered within its limit, the whole tree killed
            long start = System.nanoTime();
            UdsHttpClient.Response timedOut = http.post("/gpu/reset_gpu_locked_clocks?gpu_ids=0&block=true");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(), "the timeout held the request");
            assertEquals(500, timedOut.status());
            assertTrue(errorOf(timedOut, 0).startsWith("Override command failed: '" + dir.resolve("hang.sh")
                    + "' timed out after 1s"), timedOut.body());
            long hangChild = Long.parseLong(Files.readString(records.resolve("hang-child.pid")).strip());
            leftovers.add(hangChild);
            assertTrue(ShellScripts.awaitGone(hangChild, 5_000), "the timed-out command's child " + hangChild + " lives");

            // a background child holding stdout does not hold the request
            start = System.nanoTime();
            assertEquals(200, http.post("/gpu/reset_mem_locked_clocks?gpu_ids=3&block=true").status());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "the leftover child held the request");
            leftovers.add(Long.parseLong(Files.readString(records.resolve("linger-child.pid")).strip()));

            UdsHttpClient.Response missing = http.post("/gpu/reset_locked_clocks?gpu_ids=1&block=true");
            assertEquals(500, missing.status());
            assertEquals("Override command failed: '/nonexistent/zeusd-override-tool 1' could not be started: No such "
                    + "file or directory; stdout: (empty); stderr: (empty)", errorOf(missing, 1));

            // still healthy; every call audited, overridden ones with what ran
            assertEquals(200, http.get("/gpu/get_power?gpu_ids=0,1,2,3").status());
            assertEquals(200, http.post("/gpu/set_power_limit?gpu_ids=2&power_limit_mw=200000&block=false").status());
            String stderr = awaitLog(zeusd, "power_limit_mw=200000");
            assertTrue(stderr.contains("gpu=3 op=set_power_limit power_limit_mw=253999 previous=300000 outcome=ok "
                    + "override=\"" + dir.resolve("record.sh") + " power --gpu=3:253999:253: exit 0; "
                    + dir.resolve("record.sh") + " power-after 3: exit 0\""), stderr);
            assertTrue(stderr.contains("gpu=2 op=set_gpu_locked_clocks min_clock_mhz=500 max_clock_mhz=1500 "
                    + "previous=unknown outcome=error status=500 error=\"Override command failed: '"
                    + dir.resolve("fail.sh") + " 2' exited with code 3\" override=\"" + dir.resolve("record.sh")
                    + " clocks 2 500 1500: exit 0; " + dir.resolve("fail.sh") + " 2: exited with code 3\" "
                    + "stdout=\"out-line\\n\" stderr=\"err-line\\n\""), stderr);
            assertTrue(stderr.contains("gpu=0 op=set_persistence_mode enabled=true previous=false outcome=error "
                    + "status=403"), stderr);
            assertTrue(zeusd.isAlive());
            zeusd.stop();
        }
    }

    private static String awaitLog(ZeusdProcess zeusd, String text) throws InterruptedException {
        for (int i = 0; i < 250 && !zeusd.stderr().contains(text); i++) {
            Thread.sleep(20);
        }
        return zeusd.stderr();
    }

    @Test
    void aBadFileStopsStartupWithOneSentence() throws Exception {
        Path file = overridesFile("[set_power_limit]\ncommands = [\"tool --value={max_clock_mhz}\"]\n");
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--gpu-command-overrides", file.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: GPU command override file " + file + ": operation 'set_power_limit' has unknown "
                    + "placeholder '{max_clock_mhz}' in '--value={max_clock_mhz}' (set_power_limit fills in {gpu_id}, "
                    + "{power_limit_mw}, {power_limit_w}).\n", zeusd.stderr());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--gpu-command-overrides", file.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().startsWith("zeusd: The GPU command override file " + file + " is writable by "
                    + "others"), zeusd.stderr());
        }
    }

    @Test
    void overridesLiftTheRootCheckForGpuControlOnly() throws Exception {
        Path file = overridesFile("[set_power_limit]\ncommands = [\"DIR/record.sh {gpu_id}\"]\n");
        String nvml = worldReadableFakeNvml().toString();
        try (ZeusdProcess zeusd = startUnprivileged("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--nvml-library", nvml, "--gpu-command-overrides", file.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: API group 'cpu-read' requires root but zeusd runs as uid " + daemonUid() + "; run it "
                    + "with sudo, or enable only groups that need no root (--enable gpu-control,gpu-read).\n",
                    zeusd.stderr());
        }
        Files.writeString(file, "# no operation overridden yet\n");
        try (ZeusdProcess zeusd = startUnprivileged("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--enable", "gpu-control,gpu-read", "--nvml-library", nvml, "--gpu-command-overrides", file.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().contains("API group 'gpu-control' requires root"), zeusd.stderr());
            assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
        }
    }
}
