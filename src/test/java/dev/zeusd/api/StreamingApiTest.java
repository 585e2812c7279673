package dev.zeusd.api;

import static dev.zeusd.testsupport.ZeusStreamParser.fieldNames;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.GpuService;
import dev.zeusd.streaming.PowerStreams;
import com.fasterxml.jackson.databind.JsonNode;

import dev.zeusd.testsupport.SseClient;
import dev.zeusd.testsupport.ZeusStreamParser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * SSE framing byte for byte in the default dialect (per-device events, zeus >= 0.16), and demand-driven polling
 * counted at the devices, over real TCP connections. The seed's snapshot dialect is tested on the packaged daemon
 * ({@code StreamDialectsIT}).
 */
@QuarkusTest
class StreamingApiTest {
    private static final Pattern GPU_EVENT = Pattern
            .compile("data: \\{\"timestamp_ms\":\\d{13},\"gpu_id\":([02]),\"power_mw\":\\d+\\}\n\n");
    private static final Pattern CPU_EVENT = Pattern.compile("data: \\{\"timestamp_ms\":\\d{13},(?:"
            + "\"cpu_id\":0,\"cpu_mw\":\\d+,\"dram_mw\":\\d+|\"cpu_id\":1,\"cpu_mw\":\\d+,\"dram_mw\":null)\\}\n\n");

    @TestHTTPResource("/")
    URL base;

    @Inject
    GpuService gpus;

    @Inject
    PowerStreams streams;

    @Test
    void gpuStreamFramingAndHeaders() throws Exception {
        try (SseClient sse = SseClient.tcp(base.getPort(), "/gpu/stream_power?gpu_ids=2,0")) {
            assertEquals(200, sse.status());
            assertEquals("text/event-stream", sse.header("Content-Type"));
            assertEquals("no-cache", sse.header("Cache-Control"));
            List<String> events = sse.nextEvents(6);
            Set<String> seen = new HashSet<>();
            for (String event : events) {
                Matcher matcher = GPU_EVENT.matcher(event);
                assertTrue(matcher.matches(), "bad framing: " + event.replace("\n", "\\n"));
                seen.add(matcher.group(1));
            }
            assertEquals(Set.of("0", "2"), seen, "each requested GPU, and only those, within the first events");
            assertTrue(sse.bodySoFar().startsWith("data: {"), sse.bodySoFar());
        }
    }

    @Test
    void cpuStreamFraming() throws Exception {
        try (SseClient sse = SseClient.tcp(base.getPort(), "/cpu/stream_power")) {
            Set<Boolean> withDram = new HashSet<>();
            for (String event : sse.nextEvents(4)) {
                assertTrue(CPU_EVENT.matcher(event).matches(), "bad framing: " + event.replace("\n", "\\n"));
                withDram.add(!event.contains("null"));
            }
            assertEquals(Set.of(true, false), withDram, "both packages within the first events");
        }
    }

    /** As zeus >= 0.16's PowerStreamingClient reads it: one event per device, keyed by gpu_id / cpu_id. */
    @Test
    void currentClientReadsPerDeviceEvents() throws Exception {
        try (SseClient gpu = SseClient.tcp(base.getPort(), "/gpu/stream_power?gpu_ids=3,1");
                SseClient cpu = SseClient.tcp(base.getPort(), "/cpu/stream_power?cpu_ids=1")) {
            Set<Integer> gpus = new HashSet<>();
            long deadline = System.currentTimeMillis() + 2000;
            while (!gpus.equals(Set.of(1, 3)) && System.currentTimeMillis() < deadline) {
                for (JsonNode event : ZeusStreamParser.events(gpu.nextEvents(1))) {
                    assertEquals(List.of("timestamp_ms", "gpu_id", "power_mw"), fieldNames(event));
                    gpus.add(event.get("gpu_id").asInt());
                }
            }
            assertEquals(Set.of(1, 3), gpus, "every requested GPU within 2 s, and only those");
            for (JsonNode event : ZeusStreamParser.events(cpu.nextEvents(2))) {
                assertEquals(List.of("timestamp_ms", "cpu_id", "cpu_mw", "dram_mw"), fieldNames(event));
                assertEquals(1, event.get("cpu_id").asInt());
                assertTrue(event.get("dram_mw").isNull(), event.toString());
            }
        }
    }


    @Test
    void badIdsAre400BeforeAnyStream() {
        when().get("/gpu/stream_power?gpu_ids=0,7").then().statusCode(400).contentType("application/json")
                .body("error", equalTo("Unknown GPU indices: [7]. Available: [0, 1, 2, 3]"));
        when().get("/cpu/stream_power?cpu_ids=2,0").then().statusCode(400)
                .body("error", equalTo("Unknown CPU indices: [2]. Available: [0, 1]"));
        when().get("/cpu/stream_power?cpu_ids=x").then().statusCode(400);
        when().get("/cpu/stream_power?foo=1").then().statusCode(400);
    }

    @Test
    void hardwareIsReadOnlyWhileSomeoneListens() throws Exception {
        awaitNoSubscribers();
        long idleStart = gpus.deviceCallCount();
        Thread.sleep(300);
        assertEquals(idleStart, gpus.deviceCallCount(), "GPUs were read with nobody subscribed");

        long start;
        try (SseClient sse = SseClient.tcp(base.getPort(), "/gpu/stream_power")) {
            sse.nextEvents(1);
            start = gpus.deviceCallCount();
            Thread.sleep(1000);
            long reads = gpus.deviceCallCount() - start;
            // 20 Hz x 4 GPUs for one second
            assertTrue(reads >= 40 && reads <= 110, reads + " device reads in 1 s with one subscriber");
        } // abrupt close: the socket just goes away
        awaitNoSubscribers();
        Thread.sleep(2 * 50);
        long settled = gpus.deviceCallCount();
        Thread.sleep(300);
        assertEquals(settled, gpus.deviceCallCount(), "polling continued after the client disconnected");
    }

    @Test
    void tenSubscribersShareOnePoller() throws Exception {
        awaitNoSubscribers();
        SseClient[] clients = new SseClient[10];
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = SseClient.tcp(base.getPort(), "/gpu/stream_power?gpu_ids=" + (i % 4));
                clients[i].nextEvents(1);
            }
            long start = gpus.deviceCallCount();
            Thread.sleep(1000);
            long reads = gpus.deviceCallCount() - start;
            assertTrue(reads >= 40 && reads <= 110, reads + " device reads in 1 s with ten subscribers");
        } finally {
            for (SseClient client : clients) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    /** Vert.x notices a closed connection within tens of milliseconds. */
    private void awaitNoSubscribers() throws InterruptedException {
        for (int i = 0; i < 100 && (streams.gpuSubscribers() > 0 || streams.cpuSubscribers() > 0); i++) {
            Thread.sleep(10);
        }
        assertEquals(0, streams.gpuSubscribers() + streams.cpuSubscribers(), "subscribers left behind");
    }
}
