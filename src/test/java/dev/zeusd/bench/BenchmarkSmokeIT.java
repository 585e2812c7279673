package dev.zeusd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.zeusd.testsupport.ZeusdProcess;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is not a timed test: this only runs its smoke mode (a few seconds per part) so that the script, the
 * load tool and the nginx floor keep working. No speed is asserted.
 */
class BenchmarkSmokeIT {
    @Test
    void smokeRunPrintsEveryRow() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "bench/run.sh", "--smoke").redirectErrorStream(true);
        builder.environment().put("ZEUSD_BENCH_MGMT_PORT", Integer.toString(ZeusdProcess.freeTcpPort()));
        builder.environment().put("ZEUSD_BENCH_TCP_PORT", Integer.toString(ZeusdProcess.freeTcpPort()));
        builder.environment().put("ZEUSD_BENCH_FLOOR_TCP_PORT", Integer.toString(ZeusdProcess.freeTcpPort()));
        Process bench = builder.start();
        String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bench.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, bench.exitValue(), out);
        for (String row : List.of("get_power UDS 1 conn p50", "get_power TCP 16 conns", "SSE 50 subscribers",
                "idle NVML calls", "idle RAPL reads", "idle RSS",
                "RSS right after the scrapes that close the idle window", "RSS after the load",
                "RSS after 2 s idle after the load",
                "start to first 200", "zeusd gpu power, start to exit", "cpu/get_power after 1.2 s idle", "bare Quarkus REST: idle RSS",
                "bare Quarkus REST: start to first 200")) {
            assertTrue(out.contains("| " + row), "missing row '" + row + "' in:\n" + out);
        }
        assertFalse(out.contains("FAILED connections"), out);
        // the stack's floor app was built, started and served requests (a positive rate, not an empty cell)
        assertTrue(Pattern.compile("\\| bare Quarkus REST \\(bench/quarkus-floor\\): get_power UDS 16 conns \\(req/s\\) \\| [1-9]")
                .matcher(out).find(), out);
        // measured as shipped: through the launcher, with the options of its conf/jvm.options
        assertTrue(out.contains("Started through target/zeusd/bin/zeusd; JVM options (conf/jvm.options): -XX:"), out);
        assertTrue(out.contains("| idle NVML calls (2 s) | 0 |"), "an idle daemon read the hardware:\n" + out);
        // the daemon with pod attribution on got the fake kubelet's 16 pods
        assertTrue(out.contains("| pod attribution on (16 pods, listed every 1 s): containers listed | 16 |"), out);
        assertTrue(out.contains("| pod attribution on: idle RSS (MB) |"), out);
    }
}
