package dev.zeusd.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.jacoco.core.data.ExecutionData;
import org.jacoco.core.tools.ExecDumpClient;
import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * How wide the control path is, measured rather than counted by hand: the packaged daemon runs under the JaCoCo agent,
 * and the files of {@code src/main} whose code runs during one {@code set_power_limit} with
 * {@code --restore-on-client-exit} (the original journalled, the caller made owner) are the files a reader follows to
 * understand a control call, less two floors every request of an API group crosses alike: what a {@code GET /time}
 * runs as well (the transport guard, the HTTP metrics) and the group check ({@code auth/}, {@code config/}: who may
 * call {@code gpu-control}). The call is measured in a daemon that has served a read on every GPU and one control
 * call (so worker threads have started and classes are initialised), on a GPU not changed yet, so its journal is
 * written.
 */
class ControlPathWidthIT {
    /** The widest we accept; the Rust original crosses 7. */
    private static final int MOST_FILES = 12;
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void setPowerLimitWithRestoreOnCrossesAtMostTwelveFiles() throws Exception {
        Path dir = Files.createTempDirectory("zeusd-width");
        Path socket = dir.resolve("zeusd.sock");
        int agentPort = ZeusdProcess.freeTcpPort();
        String agent = "-javaagent:" + System.getProperty("test.jacoco.agent") + "=output=tcpserver,address=127.0.0.1,"
                + "port=" + agentPort + ",includes=dev.zeusd.*";
        try (ZeusdProcess zeusd = ZeusdProcess.start(Map.of("JAVA_TOOL_OPTIONS", agent, "FAKE_NVML_DEVICE_COUNT", "2"),
                "serve", "--socket-path", socket.toString(), "--state-dir", dir.resolve("state").toString(),
                "--allow-unprivileged", "--enable", "gpu-control,gpu-read", "--gpu-backend", "nvml",
                "--nvml-library", FakeNvmlHooks.libraryPath(), "--restore-on-client-exit")) {
            zeusd.awaitStarted(java.time.Duration.ofSeconds(60));
            UdsHttpClient client = new UdsHttpClient(socket);
            assertEquals(200, client.get("/time").status());
            SortedSet<String> everyRequest = filesRunDuring(agentPort, () -> client.get("/time"));
            assertEquals(200, client.get("/gpu/get_power_limit").status());
            assertEquals(200, client.post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=150000&block=true").status());
            SortedSet<String> control = filesRunDuring(agentPort,
                    () -> client.post("/gpu/set_power_limit?gpu_ids=1&power_limit_mw=150000&block=true"));
            control.removeAll(everyRequest);
            SortedSet<String> groupCheck = new TreeSet<>(control.stream()
                    .filter(file -> file.startsWith("auth/") || file.startsWith("config/")).toList());
            control.removeAll(groupCheck);

            System.out.printf("set_power_limit, restore on: %d files beyond what GET /time runs and the group check "
                    + "(%s):%n  %s%n", control.size(), String.join(", ", groupCheck), String.join("\n  ", control));
            assertTrue(control.containsAll(List.of("api/GpuControlResource.java", "device/gpu/nvml/NvmlGpu.java")),
                    "the measurement saw the call from the resource to NVML: " + control);
            assertTrue(Files.readString(dir.resolve("state/restore-journal.json")).contains("\"gpu\" : 1"),
                    "the measured call journalled GPU 1's original");
            assertTrue(control.size() <= MOST_FILES, control.size() + " files: " + control);
        }
    }

    private interface Call {
        UdsHttpClient.Response send() throws Exception;
    }

    /** Our source files with code that ran while {@code call} was served (and in the 300 ms after it answered). */
    private static SortedSet<String> filesRunDuring(int agentPort, Call call) throws Exception {
        ExecDumpClient dumper = new ExecDumpClient();
        dumper.setReset(true);
        dumper.dump("127.0.0.1", agentPort); // forget what ran before
        assertEquals(200, call.send().status());
        Thread.sleep(300); // what a request does after its answer (metrics, the connection's end) belongs to it
        SortedSet<String> files = new TreeSet<>();
        for (ExecutionData data : dumper.dump("127.0.0.1", agentPort).getExecutionDataStore().getContents()) {
            String topLevel = data.getName().replaceFirst("\\$.*", "");
            Path source = Path.of(topLevel + ".java");
            if (data.hasHits() && Files.exists(SOURCES.resolve(source))) {
                files.add(Path.of("dev/zeusd").relativize(source).toString());
            }
        }
        return files;
    }
}
