package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * Builds the JVM image from Dockerfile.jvm with podman and runs it the way the chart does: every
 * capability dropped, a read-only root with a writable /tmp, the API over TCP and over a Unix socket in a mounted
 * directory. Base images come from Debian packages (src/test/container/local-base-images.sh): no registry is
 * reachable here. Skipped, with the reason, where podman or root is missing; CI installs podman.
 */
class ContainerImageIT {
    private static final String IMAGE = "localhost/zeusd:it";
    private static Path containersConf;

    @BeforeAll
    static void buildImage() throws Exception {
        assumeTrue(onPath("podman") && onPath("mmdebstrap") && isRoot(),
                "needs root, podman and mmdebstrap (apt-get install podman runc mmdebstrap)");
        containersConf = Files.createTempFile("zeusd-containers", ".conf");
        // runc without systemd, and limits within this machine's (podman's defaults exceed its open-files limit;
        // a process limit above 32768 is refused inside the container, measured)
        String files = hardLimit("-Hn");
        String hardProcesses = hardLimit("-Hu");
        String processes = hardProcesses.equals("unlimited") ? "32768"
                : Long.toString(Math.min(32768, Long.parseLong(hardProcesses)));
        Files.writeString(containersConf, "[containers]\ndefault_ulimits = [\"nofile=" + files + ":" + files
                + "\", \"nproc=" + processes + ":" + processes + "\"]\n"
                + "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
        run(900, "bash", "src/test/container/local-base-images.sh");
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Files.createDirectories(m2);
        // the local Maven repository as a build volume: the build stage resolves what this build already has
        run(900, "podman", "build", "--pull=never", "--network=host", "-v", m2 + ":/root/.m2", "-f",
                "Dockerfile.jvm", "-t", IMAGE, ".");
    }

    @AfterAll
    static void removeContainers() throws Exception {
        if (containersConf != null) {
            run(60, "podman", "rm", "-f", "--ignore", "zeusd-it-tcp", "zeusd-it-uds");
        }
    }

    @Test
    void servesTcpAndHealthWithEveryCapabilityDroppedAndAReadOnlyRoot() throws Exception {
        int api = ZeusdProcess.freeTcpPort();
        int management = ZeusdProcess.freeTcpPort();
        start("zeusd-it-tcp", List.of(), "serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + api, "--management-bind-address", "127.0.0.1:" + management);
        UdsHttpClient.Response discover = awaitAnswer(UdsHttpClient.tcp(api), "/discover");
        assertEquals(200, discover.status());
        assertTrue(discover.body().contains("\"gpu_ids\":[0,1,2,3]"), discover.body());
        UdsHttpClient.Response health = UdsHttpClient.tcp(management).get("/q/health");
        assertEquals(200, health.status(), health.body());
        assertTrue(health.body().contains("\"status\": \"UP\"") || health.body().contains("\"status\":\"UP\""),
                health.body());
        String version = run(60, "podman", "run", "--rm", IMAGE, "--version");
        assertTrue(version.contains("0.1.0"), version);
    }

    @Test
    void servesTheUnixSocketInAMountedDirectory(@TempDir Path dir) throws Exception {
        start("zeusd-it-uds", List.of("-v", dir + ":/run/zeusd"), "serve", "--simulate", "--socket-path",
                "/run/zeusd/zeusd.sock", "--management-bind-address", "off");
        UdsHttpClient.Response discover = awaitAnswer(new UdsHttpClient(dir.resolve("zeusd.sock")), "/discover");
        assertEquals(200, discover.status());
        assertTrue(discover.body().contains("\"enabled_api_groups\":[\"gpu-control\",\"gpu-read\",\"cpu-read\"]"),
                discover.body());
    }

    /** As the chart runs it: no capabilities, read-only root, /tmp writable and executable (JNA unpacks there). */
    private static void start(String name, List<String> extra, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman", "run", "-d", "--name", name, "--network=host",
                "--cap-drop", "ALL", "--read-only", "--tmpfs", "/tmp:rw,exec,size=64m", "--user", "0"));
        command.addAll(extra);
        command.add(IMAGE);
        command.addAll(List.of(args));
        run(120, command.toArray(String[]::new));
    }

    private static UdsHttpClient.Response awaitAnswer(UdsHttpClient client, String path) throws Exception {
        IOException last = null;
        for (int i = 0; i < 300; i++) {
            try {
                return client.get(path);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the container did not answer " + path + " within 30 s", last);
    }

    private static String run(int timeoutSeconds, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (containersConf != null) {
            builder.environment().put("CONTAINERS_CONF", containersConf.toString());
        }
        Path log = Files.createTempFile("zeusd-container", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " took over " + timeoutSeconds + " s:\n"
                    + tail(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + tail(log));
        return output;
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static String hardLimit(String flag) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", "ulimit " + flag).start();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                .anyMatch(l -> l.split("\\s+")[1].equals("0"));
    }
}
