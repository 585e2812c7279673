package dev.zeusd.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * and the width is the number of {@code src/main} files whose code runs during one {@code set_power_limit} with
 * {@code --restore-on-client-exit} (the original journalled, the caller made owner). Two floors that every request of
 * an API group crosses alike are left out, and pinned so that nothing of the control road can hide in them: what a
 * {@code GET /time} runs as well (the transport guard, the HTTP metrics; none of it in {@code service/} or
 * {@code device/}) and the group check (who may call {@code gpu-control}: exactly {@link #GROUP_CHECK} with auth off).
 * The call is measured in a daemon that has served a read on every GPU and one control call (so worker threads have
 * started and classes are initialised), on a GPU not changed yet, so its journal is written. Interfaces without code
 * ({@code GpuDevice}, {@code Nvml}) and what constructors resolved once do not show in a coverage measure.
 */
class ControlPathWidthIT {
    /** The widest we accept; the Rust original crosses 7. */
    private static final int MOST_FILES = 12;
    private static final Path SOURCES = Path.of("src/main/java");
    private static final List<String> GROUP_CHECK = List.of("auth/AuthOffGrantsEnabledGroups.java",
            "auth/BearerTokenWhenAuthOn.java", "config/EnabledGroups.java");

    @Test
    void setPowerLimitWithRestoreOnCrossesAtMostTwelveFiles() throws Exception {
        Path dir = Files.createTempDirectory("zeusd-width");
        SortedSet<String> control = controlPathWidth(dir, "--restore-on-client-exit");
        assertTrue(Files.readString(dir.resolve("state/restore-journal.json")).contains("\"gpu\" : 1"),
                "the measured call journalled GPU 1's original");
        assertTrue(control.size() <= MOST_FILES, control.size() + " files: " + control);
    }

    @Test
    void withoutARestoreFlagAControlCallRunsNoRestoreCode() throws Exception {
        Path dir = Files.createTempDirectory("zeusd-width");
        SortedSet<String> control = controlPathWidth(dir);
        assertTrue(control.stream().noneMatch(file -> file.startsWith("service/gpu/restore/")), control.toString());
        assertTrue(control.size() <= MOST_FILES, control.size() + " files: " + control);
    }

    /** The files of the measured {@code set_power_limit} in a daemon started with {@code flags}, floors left out. */
    private static SortedSet<String> controlPathWidth(Path dir, String... flags) throws Exception {
        Path socket = dir.resolve("zeusd.sock");
        int agentPort = ZeusdProcess.freeTcpPort();
        String agent = "-javaagent:" + System.getProperty("test.jacoco.agent") + "=output=tcpserver,address=127.0.0.1,"
                + "port=" + agentPort + ",includes=dev.zeusd.*";
        List<String> args = new ArrayList<>(List.of("serve", "--socket-path", socket.toString(), "--state-dir",
                dir.resolve("state").toString(), "--allow-unprivileged", "--enable", "gpu-control,gpu-read",
                "--gpu-backend", "nvml", "--nvml-library", FakeNvmlHooks.libraryPath()));
        args.addAll(List.of(flags));
        try (ZeusdProcess zeusd = ZeusdProcess.start(Map.of("JAVA_TOOL_OPTIONS", agent, "FAKE_NVML_DEVICE_COUNT", "2"),
                args.toArray(String[]::new))) {
            zeusd.awaitStarted(Duration.ofSeconds(60));
            UdsHttpClient client = new UdsHttpClient(socket);
            assertEquals(200, client.get("/time").status());
            SortedSet<String> everyRequest = filesRunDuring(agentPort, () -> client.get("/time"));
            assertEquals(200, client.get("/gpu/get_power_limit").status());
            assertEquals(200, client.post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=150000&block=true").status());
            SortedSet<String> control = filesRunDuring(agentPort,
                    () -> client.post("/gpu/set_power_limit?gpu_ids=1&power_limit_mw=150000&block=true"));
            // (with restore on, the owner watcher started by the first call polls Owners meanwhile; the measured
            // call runs Owners anyway)
            assertTrue(everyRequest.stream().noneMatch(f -> f.startsWith("service/") || f.startsWith("device/")),
                    "GET /time runs no service or device code: " + everyRequest);
            control.removeAll(everyRequest);
            SortedSet<String> groupCheck = new TreeSet<>(control.stream()
                    .filter(file -> file.startsWith("auth/") || file.startsWith("config/")).toList());
            assertEquals(GROUP_CHECK, List.copyOf(groupCheck), "the group check, every protected endpoint's floor");
            control.removeAll(groupCheck);

            System.out.printf("set_power_limit %s: %d files beyond what GET /time runs and the group check:%n  %s%n",
                    args.subList(12, args.size()), control.size(), String.join("\n  ", control));
            assertTrue(control.containsAll(List.of("api/GpuControlResource.java", "device/gpu/nvml/NvmlGpu.java")),
                    "the measurement saw the call from the resource to NVML: " + control);
            return control;
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
