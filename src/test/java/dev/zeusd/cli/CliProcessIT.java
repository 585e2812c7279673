package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.FakePowercap;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/** The packaged daemon as a process: help, usage errors, startup errors, the root check and socket handling. */
class CliProcessIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void helpReadsLikeTheOriginal() throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.start("--help")) {
            assertEquals(0, zeusd.awaitExit(START));
            assertTrue(zeusd.stdout().contains("The Zeus daemon manages and monitors compute devices on the node"));
            assertTrue(zeusd.stdout().contains("serve  Start the Zeus daemon"), zeusd.stdout());
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--help")) {
            assertEquals(0, zeusd.awaitExit(START));
            for (String flag : List.of("--mode", "--socket-path", "--socket-permissions", "--socket-uid",
                    "--socket-gid", "--tcp-bind-address", "--num-workers", "--gpu-power-poll-hz", "--gpu-backend",
                    "--cpu-power-poll-hz", "--enable", "--signing-key-path", "--simulate", "--nvml-library",
                    "--rapl-root", "--allow-unprivileged", "--gpu-command-overrides", "Default: /run/zeusd/zeusd.sock",
                    "Default: 20")) {
                assertTrue(zeusd.stdout().contains(flag), "help lacks " + flag);
            }
        }
    }

    @Test
    void usageErrorExitsTwoAndBootsNothing() throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "carrier-pigeon")) {
            assertEquals(2, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().startsWith("zeusd: Invalid value for option '--mode'"), zeusd.stderr());
            assertFalse(zeusd.stderr().contains("Quarkus"), zeusd.stderr());
            assertEquals("", zeusd.stdout());
        }
    }

    @Test
    void badPollRateIsOneSentence() throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--gpu-power-poll-hz", "0")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: --gpu-power-poll-hz must be between 1 and 1000, got 0.\n", zeusd.stderr());
        }
    }

    @Test
    void socketStartupFailuresAreOneSentence() throws Exception {
        Path tooLong = dir.resolve("d".repeat(60) + "/" + "z".repeat(60) + ".sock");
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--socket-path", tooLong.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().matches("zeusd: --socket-path .* bytes long, but a Unix socket path can have at "
                    + "most 107; choose a shorter --socket-path\\.\n"), zeusd.stderr());
        }
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path app = ZeusdProcess.worldReadableCopyOfApp();
        Path rootOnly = Files.createDirectories(dir.resolve("root-only"));
        for (Path traversable : List.of(dir, rootOnly)) { // nobody may look, not write
            Files.setPosixFilePermissions(traversable, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> asNobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        try (ZeusdProcess zeusd = ZeusdProcess.start(asNobody, app, "serve", "--simulate", "--enable", "gpu-read",
                "--socket-path", rootOnly.resolve("zeusd.sock").toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: Cannot create the socket " + rootOnly.resolve("zeusd.sock") + ": " + rootOnly
                    + " is not writable by this user; run as root, or choose a --socket-path in a directory you can "
                    + "write.\n", zeusd.stderr());
        }
    }

    @Test
    void rootRequiredGroupAsNobodyExitsWithOneSentence() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path app = ZeusdProcess.worldReadableCopyOfApp();
        List<String> asNobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        try (ZeusdProcess zeusd = ZeusdProcess.start(asNobody, app, "serve", "--mode", "tcp")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: API group 'gpu-control' requires root but zeusd runs as uid 65534; run it with sudo, "
                    + "or enable only groups that need no root (--enable gpu-read).\n", zeusd.stderr());
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start(asNobody, app, "serve", "--mode", "tcp", "--enable",
                "cpu-read,gpu-read", "--simulate", "--tcp-bind-address", "127.0.0.1:0")) {
            // --simulate needs no root: it starts.
            zeusd.awaitStarted(START);
            zeusd.stop();
        }
    }

    @Test
    void aLiveSocketIsNeverStolenAndIsRemovedOnCleanShutdown() throws Exception {
        Path socket = dir.resolve("run/zeusd.sock");
        try (ZeusdProcess first = ZeusdProcess.start("serve", "--simulate", "--socket-path", socket.toString())) {
            first.awaitStarted(START);
            try (ZeusdProcess second = ZeusdProcess.start("serve", "--simulate", "--socket-path", socket.toString())) {
                assertEquals(1, second.awaitExit(START));
                assertEquals("zeusd: Another zeusd is listening on " + socket + "; stop it first (`systemctl stop "
                        + "zeusd` for the system service) or pass another --socket-path.\n", second.stderr());
            }
            assertEquals(200, new UdsHttpClient(socket).get("/time").status());
            // SIGTERM (systemctl stop, kubelet) is a clean stop: 0, not the JVM's 143 that systemd counts as failed
            assertEquals(0, first.stop(), first.stderr());
            assertTrue(first.stderr().contains("zeusd stopped in"), first.stderr());
        }
        assertFalse(Files.exists(socket), "socket file left behind after clean shutdown");
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path socket = dir.resolve("zeusd.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file, as a crash does
        }
        assertTrue(Files.exists(socket));
        String management = "http://127.0.0.1:" + ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--socket-path", socket.toString(),
                "--socket-permissions", "600", "--management-bind-address", management.substring(7))) {
            zeusd.awaitStarted(START);
            assertEquals(200, new UdsHttpClient(socket).get("/discover").status());
            // probes and metrics on TCP while the API is on the socket
            HttpURLConnection ready = (HttpURLConnection) new URL(management + "/q/health/ready")
                    .openConnection();
            assertEquals(200, ready.getResponseCode());
            String metrics = new String(new URL(management + "/q/metrics").openStream().readAllBytes());
            assertTrue(metrics.contains("zeusd_gpu_power_watts{gpu=\"0\""), metrics);
            // the socket file gone means no client can connect: readiness must say so
            Files.delete(socket);
            HttpURLConnection notReady = (HttpURLConnection) new URL(management + "/q/health/ready")
                    .openConnection();
            assertEquals(503, notReady.getResponseCode());
            String body = new String(notReady.getErrorStream().readAllBytes());
            assertTrue(body.contains("\"api-listener\"") && body.contains("connect failed"), body);
            zeusd.stop();
        }
    }

    @Test
    void aTakenPortIsOneSentenceNamingTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                    address, "--management-bind-address", "off")) {
                assertEquals(1, zeusd.awaitExit(START));
                assertTrue(zeusd.stderr().endsWith("zeusd: the API address " + address + " is already in use "
                        + "(another zeusd running?); stop that process or pass --tcp-bind-address HOST:PORT.\n"),
                        zeusd.stderr());
                assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
            }
            try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                    "127.0.0.1:0", "--management-bind-address", address)) {
                assertEquals(1, zeusd.awaitExit(START));
                assertTrue(zeusd.stderr().contains("zeusd: the management address " + address + " is already in use"),
                        zeusd.stderr());
                assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
            }
        }
    }

    @Test
    void managementCanBeSwitchedOffAndLogsCanBeJson() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + port, "--management-bind-address", "off", "--log-format", "json")) {
            zeusd.awaitStarted(START);
            ObjectMapper json = new ObjectMapper();
            String started = zeusd.stderr().lines().filter(l -> l.contains(" started in ")).findFirst().orElseThrow();
            JsonNode line = json.readTree(started);
            assertEquals("io.quarkus", line.get("loggerName").asText(), started);
            assertTrue(line.get("message").asText().startsWith("zeusd "), started);
            assertFalse(zeusd.stderr().contains("Management interface"), zeusd.stderr());

            // the audit line's fields are JSON fields, not only text
            HttpURLConnection set = (HttpURLConnection) new URL("http://127.0.0.1:" + port
                    + "/gpu/set_persistence_mode?gpu_ids=2&enabled=true&block=true").openConnection();
            set.setRequestMethod("POST");
            assertEquals(200, set.getResponseCode());
            String audit = zeusd.stderr().lines().filter(l -> l.contains("\"zeusd.audit\"")).findFirst().orElseThrow();
            JsonNode mdc = json.readTree(audit).get("mdc");
            assertEquals("2", mdc.get("gpu").asText(), audit);
            assertEquals("set_persistence_mode", mdc.get("op").asText(), audit);
            assertEquals("ok", mdc.get("outcome").asText(), audit);
            assertTrue(mdc.get("caller").asText().startsWith("anonymous"), audit);
            zeusd.stop();
        }
    }

    @Test
    void missingNvmlIsOneSentenceAndCpuReadNeverLoadsIt() throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--allow-unprivileged", "--enable", "gpu-read", "--gpu-backend", "nvml", "--nvml-library",
                "/nonexistent/libnvidia-ml.so.1")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: NVML library not found (tried /nonexistent/libnvidia-ml.so.1); "
                    + "install the NVIDIA driver, pass --nvml-library PATH, or run with --enable cpu-read or "
                    + "--simulate.\n"), zeusd.stderr());
            assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
        }
        Path powercap = new FakePowercap(dir.resolve("powercap")).addPackage(0, 1_000_000, 5).root();
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--enable", "cpu-read", "--nvml-library", "/nonexistent/libnvidia-ml.so.1", "--rapl-root",
                powercap.toString())) {
            zeusd.awaitStarted(START);
            zeusd.stop();
        }
    }

    @Test
    void noRaplIsOneSentenceAndGpuReadNeverTouchesIt() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-powercap"));
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--enable", "cpu-read", "--rapl-root", empty.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().contains("zeusd: No RAPL packages found under " + empty.resolve("intel-rapl")),
                    zeusd.stderr());
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--enable", "gpu-read", "--rapl-root", empty.toString(), "--nvml-library",
                FakeNvmlHooks.libraryPath())) {
            zeusd.awaitStarted(START);
            zeusd.stop();
        }
    }

    @Test
    void unreadableEnergyCounterNamesTheFile() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path powercap = Files.createTempDirectory("zeusd-powercap");
        FakePowercap tree = new FakePowercap(powercap).addPackage(0, 1_000_000, 5);
        try (Stream<Path> files = Files.walk(powercap)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        Path energy = tree.packageZone(0).resolve("energy_uj");
        Files.setPosixFilePermissions(energy, PosixFilePermissions.fromString("r--------")); // as since CVE-2020-8694
        List<String> asNobody = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        try (ZeusdProcess zeusd = ZeusdProcess.start(asNobody, ZeusdProcess.worldReadableCopyOfApp(), "serve", "--mode", "tcp",
                "--tcp-bind-address", "127.0.0.1:0", "--allow-unprivileged", "--enable", "cpu-read", "--rapl-root",
                powercap.toString())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: Cannot read " + energy + " (readable by root only on most "
                    + "kernels); run zeusd as root, or drop cpu-read with --enable gpu-control,gpu-read.\n"),
                    zeusd.stderr());
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }

}
