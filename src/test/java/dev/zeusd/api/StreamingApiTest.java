package dev.zeusd.api;

import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.GpuService;
import dev.zeusd.streaming.PowerStreams;
import dev.zeusd.testsupport.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** SSE framing byte for byte, and demand-driven polling counted at the devices, over real TCP connections. */
@QuarkusTest
class StreamingApiTest {
    private static final Pattern GPU_EVENT = Pattern
            .compile("data: \\{\"timestamp_ms\":\\d{13},\"power_mw\":\\{\"0\":\\d+,\"2\":\\d+\\}\\}\n\n");
    private static final Pattern CPU_EVENT = Pattern.compile("data: \\{\"timestamp_ms\":\\d{13},\"power_mw\":\\{"
            + "\"0\":\\{\"cpu_mw\":\\d+,\"dram_mw\":\\d+\\},\"1\":\\{\"cpu_mw\":\\d+,\"dram_mw\":null\\}\\}\\}\n\n");

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
            List<String> events = sse.nextEvents(5);
            for (String event : events) {
                assertTrue(GPU_EVENT.matcher(event).matches(), "bad framing: " + event.replace("\n", "\\n"));
            }
            assertTrue(sse.bodySoFar().startsWith("data: {"), sse.bodySoFar());
        }
    }

    @Test
    void cpuStreamFraming() throws Exception {
        try (SseClient sse = SseClient.tcp(base.getPort(), "/cpu/stream_power")) {
            for (String event : sse.nextEvents(3)) {
                assertTrue(CPU_EVENT.matcher(event).matches(), "bad framing: " + event.replace("\n", "\\n"));
            }
        }
    }

    @Test
    void badIdsAre400BeforeAnyStream() {
        when().get("/gpu/stream_power?gpu_ids=0,7").then().statusCode(400).contentType("application/json")
                .body("error", equalTo("GPU 7 does not exist (available: 0, 1, 2, 3)"));
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
