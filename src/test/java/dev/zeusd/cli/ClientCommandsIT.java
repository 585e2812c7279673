package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * {@code zeusd gpu|cpu|top|whoami|discover} as an unprivileged client of a simulated daemon over its Unix socket and TCP,
 * with and without tokens: tables, {@code --json}, units, refusals (exit 1), usage errors (exit 2), and no daemon
 * (exit 3).
 */
class ClientCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<ZeusdProcess> daemons = new ArrayList<>();

    @AfterEach
    void stop() {
        daemons.forEach(ZeusdProcess::close);
    }

    private Path socketDaemon(String... flags) throws Exception {
        Path socket = dir.resolve("zeusd-" + daemons.size() + ".sock");
        List<String> args = new ArrayList<>(List.of("serve", "--simulate", "--socket-path", socket.toString()));
        args.addAll(List.of(flags));
        ZeusdProcess zeusd = ZeusdProcess.start(args.toArray(String[]::new));
        daemons.add(zeusd);
        zeusd.awaitStarted(START);
        return socket;
    }

    private int tcpDaemon() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + port);
        daemons.add(zeusd);
        zeusd.awaitStarted(START);
        return port;
    }

    private record Run(int exit, String stdout, String stderr) {
        JsonNode json() throws Exception {
            return JSON.readTree(stdout);
        }
    }

    /** {@code zeusd args...} with the Zeus client's variables cleared and {@code environment} added. */
    private static Run zeusd(Map<String, String> environment, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("ZEUSD_SOCK_PATH", null);
        env.put("ZEUSD_HOST_PORT", null);
        env.put("ZEUSD_TOKEN", null);
        env.putAll(environment);
        try (ZeusdProcess client = ZeusdProcess.start(env, args)) {
            int exit = client.awaitExit(EXIT);
            return new Run(exit, client.stdout(), client.stderr());
        }
    }

    private static Run zeusd(String... args) throws Exception {
        return zeusd(Map.of(), args);
    }

    @Test
    void readsOverTheUnixSocketAsTablesAndAsTheDaemonsJson() throws Exception {
        Path socket = socketDaemon();
        Run power = zeusd("gpu", "power", "--socket", socket.toString());
        assertEquals(0, power.exit(), power.stderr());
        List<String> lines = power.stdout().lines().toList();
        assertEquals("GPU  POWER (W)", lines.get(0));
        assertEquals(5, lines.size(), power.stdout());
        assertTrue(lines.get(1).matches("0    \\d+(\\.\\d+)?"), lines.get(1));

        Run json = zeusd(Map.of("ZEUSD_SOCK_PATH", socket.toString()), "gpu", "power", "--gpus", "1,3", "--json");
        assertEquals(0, json.exit(), json.stderr());
        assertEquals(List.of("1", "3"), names(json.json().get("power_mw")));
        assertTrue(json.json().has("timestamp_ms"));

        Run energy = zeusd("cpu", "energy", "--socket", socket.toString());
        assertEquals(0, energy.exit(), energy.stderr());
        assertEquals("CPU  PACKAGE (J)  DRAM (J)", energy.stdout().lines().findFirst().orElseThrow());
        assertTrue(energy.stdout().lines().anyMatch(l -> l.matches("1\\s+[\\d.]+\\s+-")), energy.stdout());

        Run discover = zeusd("discover", "--socket", socket.toString());
        assertEquals(0, discover.exit(), discover.stderr());
        assertTrue(discover.stdout().contains("API groups: gpu-control,gpu-read,cpu-read"), discover.stdout());
        assertTrue(discover.stdout().lines().anyMatch(l -> l.startsWith("3    NVIDIA")), discover.stdout());
    }

    @Test
    void controlOverTcpWithUnitsAndTheDaemonsRefusals() throws Exception {
        Map<String, String> tcp = Map.of("ZEUSD_HOST_PORT", "127.0.0.1:" + tcpDaemon());
        Run set = zeusd(tcp, "gpu", "set-power-limit", "250W", "--gpus", "0,1");
        assertEquals(0, set.exit(), set.stderr());
        assertEquals("GPU 0: power limit 250 W\nGPU 1: power limit 250 W\n", set.stdout());
        assertEquals(0, zeusd(tcp, "gpu", "set-power-limit", "200000mW", "--gpus", "2").exit());
        JsonNode limits = zeusd(tcp, "gpu", "limit", "--json").json();
        assertEquals(250_000, limits.get("0").get("power_limit_mw").asLong());
        assertEquals(250_000, limits.get("1").get("power_limit_mw").asLong());
        assertEquals(200_000, limits.get("2").get("power_limit_mw").asLong());

        Run reset = zeusd(tcp, "gpu", "reset-power-limit", "--gpus", "0");
        assertEquals(0, reset.exit(), reset.stderr());
        long max = zeusd(tcp, "gpu", "limit", "--gpus", "0", "--json").json().get("0").get("power_limit_mw").asLong();
        assertTrue(reset.stdout().startsWith("GPU 0: power limit " + max / 1000), reset.stdout());

        assertEquals(0, zeusd(tcp, "gpu", "lock-clocks", "900:1400", "--gpus", "0").exit());
        assertEquals(0, zeusd(tcp, "gpu", "lock-clocks", "800:1200", "--memory").exit());
        assertEquals(0, zeusd(tcp, "gpu", "reset-clocks").exit());
        assertEquals(0, zeusd(tcp, "gpu", "persistence", "on", "--gpus", "3").exit());
        assertEquals("GPU  PERSISTENCE\n3    on\n", zeusd(tcp, "gpu", "persistence", "--gpus", "3").stdout());

        Run refused = zeusd(tcp, "gpu", "set-power-limit", "1W", "--gpus", "0");
        assertEquals(1, refused.exit());
        assertTrue(refused.stderr().startsWith("zeusd: GPU 0: "), refused.stderr());
        assertEquals(1, refused.stderr().lines().count(), refused.stderr());

        Run badUnit = zeusd(tcp, "gpu", "set-power-limit", "250kW");
        assertEquals(2, badUnit.exit());
        assertTrue(badUnit.stderr().contains("a power limit is a number with its unit, such as 250W or 250000mW, got "
                + "'250kW'"), badUnit.stderr());
        assertEquals(2, zeusd(tcp, "gpu", "lock-clocks", "fast").exit());
    }

    @Test
    void tokensFromTheEnvironmentOrAFileAndTheirLimits() throws Exception {
        Path key = Files.write(dir.resolve("signing.key"), HandmadeJwt.opensslStyleKey());
        Path socket = socketDaemon("--signing-key-path", key.toString(), "--enable", "gpu-control,gpu-read");
        String reader = issue(key, "--user", "alice", "--scope", "gpu-read", "--gpus", "0,1");
        Map<String, String> alice = Map.of("ZEUSD_SOCK_PATH", socket.toString(), "ZEUSD_TOKEN", reader);

        Run whoami = zeusd(alice, "whoami");
        assertEquals(0, whoami.exit(), whoami.stderr());
        assertTrue(whoami.stdout().contains("user     alice"), whoami.stdout());
        assertTrue(whoami.stdout().contains("gpus     0,1"), whoami.stdout());
        Run own = zeusd(alice, "gpu", "power", "--json");
        assertEquals(List.of("0", "1"), names(own.json().get("power_mw")), "the token's GPUs by default");

        Run other = zeusd(alice, "gpu", "power", "--gpus", "2");
        assertEquals(1, other.exit());
        assertTrue(other.stderr().contains("may not use GPU 2"), other.stderr());
        Run scope = zeusd(alice, "gpu", "set-power-limit", "250W");
        assertEquals(1, scope.exit());
        assertTrue(scope.stderr().contains("gpu-control"), scope.stderr());
        Run group = zeusd(alice, "cpu", "power");
        assertEquals(1, group.exit());
        assertEquals("zeusd: API group 'cpu-read' is not enabled on this server.\n", group.stderr());

        Path file = Files.writeString(dir.resolve("token"), issue(key, "--user", "ops", "--scope", "gpu-control,gpu-read")
                + "\n");
        Run control = zeusd(Map.of("ZEUSD_SOCK_PATH", socket.toString()), "gpu", "set-power-limit", "250W",
                "--token-file", file.toString());
        assertEquals(0, control.exit(), control.stderr());
        assertEquals(4, control.stdout().lines().count(), "every GPU when none are named");
        Run none = zeusd(Map.of("ZEUSD_SOCK_PATH", socket.toString()), "gpu", "power");
        assertEquals(1, none.exit());
        assertTrue(none.stderr().startsWith("zeusd: missing token"), none.stderr());
    }

    /** docs/client.md's job script, run as written (the workload replaced by a sleep), with zeusd on the PATH. */
    @Test
    void theDocumentedJobScriptCapsItsGpusForItsLifetime() throws Exception {
        Path socket = socketDaemon("--restore-on-client-exit", "--state-dir", dir.resolve("state").toString());
        Map<String, String> uds = Map.of("ZEUSD_SOCK_PATH", socket.toString());
        JsonNode before = zeusd(uds, "gpu", "limit", "--json").json();
        assertTrue(before.get("0").get("power_limit_mw").asLong() != 250_000, before.toString());

        String docs = Files.readString(Path.of("docs/client.md"));
        int start = docs.indexOf("```sh\n#!/bin/bash\n# job.sh");
        assertTrue(start >= 0, "docs/client.md lacks the job script");
        String script = docs.substring(docs.indexOf('\n', start) + 1, docs.indexOf("```", start + 5));
        assertTrue(script.contains("python train.py"), script);
        Path job = Files.writeString(dir.resolve("job.sh"), script.replace("python train.py", "sleep 5"));
        Path bin = zeusdOnPath();
        ProcessBuilder builder = new ProcessBuilder("bash", job.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("job.log").toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("ZEUSD_SOCK_PATH", socket.toString());
        builder.environment().remove("ZEUSD_HOST_PORT");
        Process running = builder.start();
        awaitLimit(uds, 250_000, "the job's cap");
        assertEquals(0, running.waitFor(), Files.readString(dir.resolve("job.log")));
        awaitLimit(uds, before.get("0").get("power_limit_mw").asLong(), "the limit back after the job");
        assertTrue(Files.readString(dir.resolve("job.log")).contains("GPU 0: power limit 250 W"));
    }

    /** docs/client.md's Slurm Prolog and Epilog, run as written with the GPU ids Slurm would give. */
    @Test
    void theDocumentedSlurmPrologAndEpilogCapAndResetTheJobsGpus() throws Exception {
        Path socket = socketDaemon();
        Map<String, String> uds = Map.of("ZEUSD_SOCK_PATH", socket.toString());
        JsonNode constraints = JSON.readTree(new dev.zeusd.testsupport.UdsHttpClient(socket)
                .get("/gpu/get_power_limit_constraints").body());
        String docs = Files.readString(Path.of("docs/client.md"));
        Path bin = zeusdOnPath();
        for (String hook : List.of("prolog", "epilog")) {
            int start = docs.indexOf("```sh\n# " + (hook.equals("prolog") ? "Prolog" : "Epilog") + "=/etc/slurm/");
            assertTrue(start >= 0, "docs/client.md lacks the " + hook);
            String script = docs.substring(docs.indexOf('\n', start) + 1, docs.indexOf("```", start + 5));
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
            builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            builder.environment().put("ZEUSD_SOCK_PATH", socket.toString());
            builder.environment().put("SLURM_JOB_GPUS", "1,2");
            Process run = builder.start();
            String output = new String(run.getInputStream().readAllBytes());
            assertEquals(0, run.waitFor(), hook + ": " + output);
            JsonNode limits = zeusd(uds, "gpu", "limit", "--json").json();
            for (String gpu : List.of("1", "2")) {
                long expected = hook.equals("prolog") ? 250_000
                        : constraints.get(gpu).get("max_power_limit_mw").asLong();
                assertEquals(expected, limits.get(gpu).get("power_limit_mw").asLong(), hook + " GPU " + gpu);
            }
            assertTrue(limits.get("0").get("power_limit_mw").asLong() != 250_000, "GPU 0 is not the job's");
        }
    }

    /** A directory with a {@code zeusd} that runs the packaged daemon's jar, for scripts that call zeusd by name. */
    private Path zeusdOnPath() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path shim = bin.resolve("zeusd");
        if (!Files.exists(shim)) {
            Files.writeString(shim, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                    + "' -jar '" + ZeusdProcess.appDir().toAbsolutePath().resolve("quarkus-run.jar") + "' \"$@\"\n");
            shim.toFile().setExecutable(true);
        }
        return bin;
    }

    @Test
    void untilExitOfANamedProcessAndTheRemainingTables() throws Exception {
        Path socket = socketDaemon("--restore-on-client-exit", "--state-dir", dir.resolve("state").toString());
        Map<String, String> uds = Map.of("ZEUSD_SOCK_PATH", socket.toString());
        long original = zeusd(uds, "gpu", "limit", "--gpus", "2", "--json").json().get("2").get("power_limit_mw")
                .asLong();
        Process owner = new ProcessBuilder("sleep", "60").start();
        try {
            Run capped = zeusd(uds, "gpu", "set-power-limit", "200W", "--gpus", "2", "--until-exit",
                    Long.toString(owner.pid()));
            assertEquals(0, capped.exit(), capped.stderr());
            Thread.sleep(1_000);
            assertEquals(200_000, zeusd(uds, "gpu", "limit", "--gpus", "2", "--json").json().get("2")
                    .get("power_limit_mw").asLong(), "the cap outlives the client while its owner runs");
        } finally {
            owner.destroy();
        }
        awaitLimitOf(uds, "2", original);

        Run energy = zeusd(uds, "gpu", "energy", "--gpus", "0");
        assertEquals(0, energy.exit(), energy.stderr());
        assertTrue(energy.stdout().matches("GPU  ENERGY \\(J\\)\n0    [\\d.]+\n"), energy.stdout());
        Run cpuPower = zeusd(uds, "cpu", "power");
        assertEquals(0, cpuPower.exit(), cpuPower.stderr());
        assertTrue(cpuPower.stdout().matches("CPU  PACKAGE \\(W\\)  DRAM \\(W\\)\n0 +[\\d.]+ +[\\d.]+\n1 +[\\d.]+ +-\n"),
                cpuPower.stdout());
        Run cpuJson = zeusd(uds, "cpu", "power", "--json", "--cpus", "1");
        assertEquals(List.of("1"), names(cpuJson.json().get("power_mw")));
    }

    @Test
    void ownerPidIsRefusedWhereItCannotWork() throws Exception {
        Path plain = socketDaemon();
        Run noFlag = zeusd(Map.of("ZEUSD_SOCK_PATH", plain.toString()), "gpu", "set-power-limit", "250W", "--gpus", "0",
                "--until-exit");
        assertEquals(1, noFlag.exit());
        assertTrue(noFlag.stderr().startsWith("zeusd: owner_pid needs a daemon started with --restore-on-client-exit"),
                noFlag.stderr());
        Path restoring = socketDaemon("--restore-on-client-exit", "--state-dir", dir.resolve("state").toString());
        Run gone = zeusd(Map.of("ZEUSD_SOCK_PATH", restoring.toString()), "gpu", "set-power-limit", "250W", "--gpus",
                "0", "--until-exit", "999999999");
        assertEquals(1, gone.exit());
        assertEquals("zeusd: owner_pid 999999999: no such process\n", gone.stderr());
    }

    private static void awaitLimit(Map<String, String> uds, long milliwatts, String what) throws Exception {
        try {
            awaitLimitOf(uds, "0", milliwatts);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    private static void awaitLimitOf(Map<String, String> uds, String gpu, long milliwatts) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = zeusd(uds, "gpu", "limit", "--gpus", gpu, "--json").json().get(gpu).get("power_limit_mw").asLong();
            if (last == milliwatts) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("GPU " + gpu + "'s limit is " + last + ", not " + milliwatts);
    }

    /** In a pseudo-terminal (util-linux script): every device on screen, redrawn, and q puts the terminal back. */
    @Test
    void topRedrawsInATerminalAndQuitsOnQ() throws Exception {
        Path socket = socketDaemon();
        String command = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '"
                + ZeusdProcess.appDir().toAbsolutePath().resolve("quarkus-run.jar") + "' top --socket '" + socket + "'";
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", command, "/dev/null")
                .redirectOutput(dir.resolve("top.out").toFile()).redirectErrorStream(true);
        builder.environment().put("TERM", "xterm-256color");
        Process top = builder.start();
        String screen = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count(screen, "zeusd top  ") < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            screen = Files.readString(dir.resolve("top.out"));
        }
        assertTrue(count(screen, "zeusd top  ") >= 3, "fewer than three frames: " + screen);
        String lastFrame = screen.substring(screen.lastIndexOf("zeusd top  "));
        for (String device : List.of("GPU 0", "GPU 3", "CPU 0", "CPU 1")) {
            assertTrue(lastFrame.contains(device), device + " missing from " + lastFrame);
        }
        assertTrue(lastFrame.matches("(?s).*GPU 0 +NVIDIA[^\\r]* W / +\\d+ W \\[#+ *\\].*"), lastFrame);
        assertTrue(screen.startsWith("\u001b[?1049h"), "the alternate screen first");
        top.getOutputStream().write('q');
        top.getOutputStream().flush();
        assertTrue(top.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "q did not quit");
        assertEquals(0, top.exitValue());
        screen = Files.readString(dir.resolve("top.out"));
        assertTrue(screen.endsWith("\u001b[?1049l"), "the terminal's own screen back last: "
                + screen.substring(Math.max(0, screen.length() - 40)));
    }

    @Test
    void topWithoutATerminalPrintsPlainLines() throws Exception {
        Path socket = socketDaemon("--enable", "gpu-read");
        try (ZeusdProcess top = ZeusdProcess.start(Map.of("ZEUSD_SOCK_PATH", socket.toString()), "top", "--interval",
                "0.3")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (top.stdout().lines().count() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<String> lines = top.stdout().lines().toList();
            assertTrue(lines.size() >= 8, top.stdout() + top.stderr());
            assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z gpu0 power_w=[\\d.]+ limit_w=\\d+ energy_j=[\\d.]+"),
                    lines.get(0));
            assertTrue(lines.stream().noneMatch(l -> l.contains("cpu")), "cpu-read is off: " + lines);
            assertTrue(lines.stream().noneMatch(l -> l.contains("\u001b")), "no escape sequences without a terminal");
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void noDaemonIsExitThreeNamingWhereItLooked() throws Exception {
        Run missing = zeusd("gpu", "power", "--socket", dir.resolve("nothing.sock").toString());
        assertEquals(3, missing.exit());
        assertTrue(missing.stderr().startsWith("zeusd: no zeusd answers at the Unix socket " + dir.resolve("nothing.sock")
                + " (--socket)"), missing.stderr());
        assertTrue(missing.stderr().contains("ZEUSD_SOCK_PATH"), missing.stderr());
        Run tcp = zeusd(Map.of("ZEUSD_HOST_PORT", "127.0.0.1:" + ZeusdProcess.freeTcpPort()), "cpu", "power");
        assertEquals(3, tcp.exit());
        assertTrue(tcp.stderr().contains("TCP 127.0.0.1:"), tcp.stderr());
    }

    @Test
    void helpListsTheClientCommandsApart() throws Exception {
        Run help = zeusd("--help");
        assertEquals(0, help.exit());
        String text = help.stdout();
        int daemon = text.indexOf("Run the daemon:");
        int client = text.indexOf("Talk to a running daemon (no root needed):");
        assertTrue(daemon >= 0 && client > daemon, text);
        assertTrue(text.indexOf("serve") > daemon && text.indexOf("serve") < client, text);
        for (String command : List.of("gpu", "cpu", "whoami", "discover")) {
            assertTrue(text.substring(client).contains("  " + command + " "), command + ": " + text);
        }
    }

    private static String issue(Path key, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("token", "issue", "--signing-key-path", key.toString(),
                "--expires", "1h"));
        command.addAll(List.of(args));
        Run token = zeusd(command.toArray(String[]::new));
        assertEquals(0, token.exit(), token.stderr());
        return token.stdout().trim();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
