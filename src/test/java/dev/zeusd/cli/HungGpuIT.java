package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeAmdSmi;
import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.FakePowercap;
import dev.zeusd.testsupport.SseClient;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * One GPU whose driver calls block (the fakes' hang injection), the others healthy, on the packaged daemon over both
 * transports and both vendors: the stuck GPU's requests answer 503 within the device timeout and then at once,
 * everything else (other GPUs, CPUs, scrapes, probes, streams) goes on, and a SIGTERM still stops the daemon.
 * Bounds are generous: a stuck call is 30 s, "prompt" is 1.5 s.
 */
class HungGpuIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(30);
    private static final long PROMPT_MS = 1500;
    private static final long RANGE = 262_143_328_850L;

    @TempDir
    Path dir;

    private final List<ZeusdProcess> daemons = new ArrayList<>();
    private Path hangs;
    private int management;

    @AfterEach
    void stopDaemons() {
        daemons.forEach(ZeusdProcess::close);
    }

    /** The daemon with the fake NVML (4 GPUs) and a fake powercap tree; {@code transport} are the listener flags. */
    private ZeusdProcess nvmlDaemon(List<String> transport, String... flags) throws Exception {
        Path powercap = Files.createDirectories(dir.resolve("powercap"));
        new FakePowercap(powercap).addPackage(0, RANGE, 100).addDram(0, RANGE, 50).addPackage(1, RANGE, 7);
        List<String> args = new ArrayList<>(List.of("serve", "--allow-unprivileged", "--gpu-backend", "nvml",
                "--nvml-library", FakeNvmlHooks.libraryPath(), "--rapl-root", powercap.toString()));
        return started(Map.of("FAKE_NVML_HANG_FILE", hangFile().toString()), transport, args, flags);
    }

    private ZeusdProcess amdDaemon(List<String> transport) throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(new FakeAmdSmi(dir).environment("abi26"));
        environment.put("FAKE_AMDSMI_HANG_FILE", hangFile().toString());
        return started(environment, transport, new ArrayList<>(List.of("serve", "--allow-unprivileged",
                "--gpu-backend", "amdsmi", "--enable", "gpu-read,gpu-control")));
    }

    private Path hangFile() throws IOException {
        hangs = dir.resolve("hangs");
        Files.writeString(hangs, "");
        return hangs;
    }

    private ZeusdProcess started(Map<String, String> environment, List<String> transport, List<String> args,
            String... flags) throws Exception {
        management = ZeusdProcess.freeTcpPort();
        args.addAll(transport);
        args.addAll(List.of("--device-timeout", "1s", "--management-bind-address", "127.0.0.1:" + management));
        args.addAll(List.of(flags));
        ZeusdProcess zeusd = ZeusdProcess.start(environment, args.toArray(String[]::new));
        daemons.add(zeusd);
        zeusd.awaitStarted(START);
        return zeusd;
    }

    private void hang(String... lines) throws IOException {
        Files.writeString(hangs, String.join("\n", lines) + "\n");
    }

    private static List<String> tcp(int port) {
        return List.of("--mode", "tcp", "--tcp-bind-address", "127.0.0.1:" + port);
    }

    /** One request, answered within {@code limitMs} or failed. */
    private static Timed timed(long limitMs, Function<UdsHttpClient, UdsHttpClient.Response> request,
            UdsHttpClient client) throws Exception {
        long start = System.nanoTime();
        UdsHttpClient.Response response = CompletableFuture.supplyAsync(() -> request.apply(client))
                .get(limitMs + 5_000, TimeUnit.MILLISECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs <= limitMs, "took " + tookMs + " ms, more than " + limitMs + ": " + response.body());
        return new Timed(response, tookMs);
    }

    private record Timed(UdsHttpClient.Response response, long ms) {
        JsonNode json() throws IOException {
            return JSON.readTree(response.body());
        }
    }

    private static Function<UdsHttpClient, UdsHttpClient.Response> send(String method, String pathAndQuery) {
        return client -> {
            try {
                return client.send(method, pathAndQuery);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    private Timed scrape() throws Exception {
        return timed(2_000, send("GET", "/q/metrics"), UdsHttpClient.tcp(management));
    }

    private Timed ready() throws Exception {
        return timed(2_000 + PROMPT_MS, send("GET", "/q/health/ready"), UdsHttpClient.tcp(management));
    }

    @Test
    void nvmlOverTcpAStuckGpuCostsOnlyItsOwnAnswers() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        ZeusdProcess zeusd = nvmlDaemon(tcp(port), "--restore-on-shutdown", "--state-dir", dir.resolve("state")
                .toString());
        UdsHttpClient api = UdsHttpClient.tcp(port);
        assertEquals(200, timed(PROMPT_MS, send("GET", "/gpu/get_power"), api).response().status());
        hang("1 * 30000");

        Timed first = timed(1_000 + PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=1"), api);
        assertEquals(503, first.response().status(), first.response().body());
        assertEquals("GPU 1 did not answer within 1 s", first.json().get("error").asText());
        assertEquals("GPU 1 did not answer within 1 s", first.json().get("errors").get("1").asText());
        assertTrue(first.ms() >= 900, "answered before the deadline: " + first.ms() + " ms");

        Timed again = timed(PROMPT_MS, send("GET", "/gpu/get_power_limit?gpu_ids=1"), api);
        assertEquals(503, again.response().status());
        assertTrue(again.json().get("error").asText().startsWith("GPU 1 is not answering"), again.response().body());
        assertEquals(503, timed(PROMPT_MS, send("GET", "/gpu/get_power"), api).response().status(),
                "all GPUs named (by default): the stuck one fails the request");

        Timed others = timed(PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=0,2,3"), api);
        assertEquals(200, others.response().status());
        assertEquals(List.of("0", "2", "3"), fieldNames(others.json().get("power_mw")));
        assertEquals(200, timed(PROMPT_MS, send("GET", "/cpu/get_power"), api).response().status());
        assertEquals(200, timed(PROMPT_MS, send("POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=250000&block=true"),
                api).response().status());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/discover"), api).response().status());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/time"), api).response().status());

        String metrics = scrape().response().body();
        assertTrue(metrics.contains("zeusd_device_up{device=\"gpu1\"} 0.0"), metrics);
        for (String healthy : List.of("gpu0", "gpu2", "gpu3", "cpu0", "cpu1")) {
            assertTrue(metrics.contains("zeusd_device_up{device=\"" + healthy + "\"} 1.0"), healthy + ": " + metrics);
        }
        assertEquals(3, count(metrics, "zeusd_gpu_power_watts{"), metrics);
        assertFalse(metrics.contains("zeusd_gpu_power_watts{gpu=\"1\""), "the stuck GPU's series stays out");
        assertTrue(metrics.contains("zeusd_gpu_power_watts{gpu=\"2\""), metrics);
        assertEquals(2, count(metrics, "zeusd_cpu_package_power_watts{"), metrics);

        Timed readiness = ready();
        assertEquals(503, readiness.response().status());
        assertTrue(readiness.response().body().contains("GPU 1 is not answering"), readiness.response().body());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/q/health/live"), UdsHttpClient.tcp(management)).response()
                .status());

        // a write that hangs in the driver: 503 at the deadline, audited as a timeout, journalled as maybe changed
        hang("1 * 30000", "2 nvmlDeviceSetPowerManagementLimit 30000");
        Timed write = timed(1_000 + PROMPT_MS, send("POST",
                "/gpu/set_power_limit?gpu_ids=2&power_limit_mw=200000&block=true"), api);
        assertEquals(503, write.response().status(), write.response().body());
        assertEquals("GPU 2 did not answer within 1 s", write.json().get("error").asText());
        awaitLine(zeusd, "gpu=2 op=set_power_limit power_limit_mw=200000 previous=300000 outcome=timeout status=503");
        String journal = Files.readString(dir.resolve("state").resolve("restore-journal.json"));
        assertTrue(journal.contains("\"gpu\" : 2"), journal);
        Timed refused = timed(PROMPT_MS, send("POST", "/gpu/set_power_limit?gpu_ids=1&power_limit_mw=200000&block=true"),
                api);
        assertEquals(503, refused.response().status());
        awaitLine(zeusd, "gpu=1 op=set_power_limit power_limit_mw=200000 previous=unknown outcome=timeout status=503");

        // SIGTERM while GPU 2 and GPU 1 hang: exit 0 within 10 s, GPU 2's restore skipped in one line
        long stopping = System.nanoTime();
        assertEquals(0, zeusd.stop());
        assertTrue(System.nanoTime() - stopping < TimeUnit.SECONDS.toNanos(10), "stopped too slowly");
        assertEquals(1, zeusd.stderr().lines().filter(l -> l.contains("Not restoring GPU 2 (shutdown)")).count(),
                zeusd.stderr());
    }

    @Test
    void nvmlStreamsKeepTheirCadenceAndAClearedGpuComesBack() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        ZeusdProcess zeusd = nvmlDaemon(tcp(port), "--enable", "gpu-read");
        UdsHttpClient api = UdsHttpClient.tcp(port);
        try (SseClient stream = SseClient.tcp(port, "/gpu/stream_power?gpu_ids=0,1")) {
            stream.nextEvents(2); // the first sample of each
            hang("1 * 30000");
            long hungAt = System.currentTimeMillis();
            List<JsonNode> events = new ArrayList<>(); // from 200 ms after the hang to 1 s past the deadline
            long last = 0;
            while (last < hungAt + 2_000) {
                JsonNode event = JSON.readTree(stream.nextEvents(1).get(0).substring("data: ".length()));
                last = event.get("timestamp_ms").asLong();
                if (last > hungAt + 200) {
                    events.add(event);
                }
            }
            assertTrue(events.stream().allMatch(e -> e.get("gpu_id").asInt() == 0), events.toString());
            assertTrue(events.size() >= 18, "GPU 0's 20 Hz events slowed down: " + events.size() + " in 1.8 s");

            hang(); // the driver answers again
            long cleared = System.nanoTime();
            boolean gpu1Back = false;
            while (!gpu1Back && System.nanoTime() - cleared < TimeUnit.SECONDS.toNanos(10)) {
                for (String event : stream.nextEvents(1)) {
                    gpu1Back = JSON.readTree(event.substring("data: ".length())).get("gpu_id").asInt() == 1;
                }
            }
            assertTrue(gpu1Back, "GPU 1's events did not resume");
        }
        assertEquals(200, timed(PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=1"), api).response().status());
        String metrics = scrape().response().body();
        assertTrue(metrics.contains("zeusd_device_up{device=\"gpu1\"} 1.0"), metrics);
        assertTrue(metrics.contains("zeusd_gpu_power_watts{gpu=\"1\""), metrics);
        assertTrue(zeusd.stderr().contains("GPU 1 answered again after "), zeusd.stderr());
    }

    @Test
    void nvmlOverTheUnixSocket() throws Exception {
        Path socket = dir.resolve("zeusd.sock");
        nvmlDaemon(List.of("--socket-path", socket.toString()), "--enable", "gpu-read");
        UdsHttpClient api = new UdsHttpClient(socket);
        hang("3 nvmlDeviceGetPowerUsage 30000");
        Timed stuck = timed(1_000 + PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=3"), api);
        assertEquals(503, stuck.response().status());
        assertEquals("GPU 3 did not answer within 1 s", stuck.json().get("error").asText());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=0,1,2"), api).response().status());
        String metrics = scrape().response().body();
        assertTrue(metrics.contains("zeusd_device_up{device=\"gpu3\"} 0.0"), metrics);
        assertEquals(3, count(metrics, "zeusd_gpu_power_watts{"), metrics);
    }

    @Test
    void amdSmiOverTcpAndTheUnixSocket() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        amdDaemon(tcp(port));
        UdsHttpClient api = UdsHttpClient.tcp(port);
        hang("0 * 30000");
        Timed stuck = timed(1_000 + PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=0"), api);
        assertEquals(503, stuck.response().status());
        assertEquals("GPU 0 did not answer within 1 s", stuck.json().get("error").asText());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=1"), api).response().status());
        String metrics = scrape().response().body();
        assertTrue(metrics.contains("zeusd_device_up{device=\"gpu0\"} 0.0"), metrics);
        assertTrue(metrics.contains("zeusd_device_up{device=\"gpu1\"} 1.0"), metrics);
        assertEquals(1, count(metrics, "zeusd_gpu_power_watts{"), metrics);
        assertEquals(503, timed(PROMPT_MS, send("POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=500000&block=true"),
                api).response().status());
        hang();

        Path socket = dir.resolve("amd.sock");
        amdDaemon(List.of("--socket-path", socket.toString()));
        hang("1 amdsmi_get_power_info 30000");
        Timed overSocket = timed(1_000 + PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=1"), new UdsHttpClient(socket));
        assertEquals(503, overSocket.response().status());
        assertEquals("GPU 1 did not answer within 1 s", overSocket.json().get("error").asText());
        assertEquals(200, timed(PROMPT_MS, send("GET", "/gpu/get_power?gpu_ids=0"), new UdsHttpClient(socket))
                .response().status());
    }

    private static void awaitLine(ZeusdProcess zeusd, String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!zeusd.stderr().contains(part)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line with '" + part + "' in: " + zeusd.stderr());
            }
            Thread.sleep(20);
        }
    }

    private static int count(String text, String part) {
        return (int) text.lines().filter(line -> line.startsWith(part)).count();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
