package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.UdsHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a hostile client sends, byte for byte over TCP: made-up methods and paths (metric series must not grow), the
 * malformed-request corpus (every answer JSON), control characters, other HTTP versions, garbage and silence (closed
 * within the idle timeout), and disconnects and missing Host headers (no ERROR logged).
 */
@QuarkusTest
class HostileInputTest {
    private static final int SILENCE_LIMIT_MS = 30_000; // the idle timeout is 10 s: a generous bound, not a timing

    @TestHTTPResource("/")
    URL base;

    @Inject
    MeterRegistry registry;

    private UdsHttpClient raw() {
        return UdsHttpClient.tcp(base.getPort());
    }

    private UdsHttpClient.Response exchange(String head) throws IOException {
        return UdsHttpClient.parse(raw().exchange(head.getBytes(StandardCharsets.ISO_8859_1), SILENCE_LIMIT_MS));
    }

    private long httpSeries() {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("http.server")).count();
    }

    private static void assertJsonError(UdsHttpClient.Response response, String what) {
        assertTrue(response.header("content-type") != null && response.header("content-type").startsWith("application/json"),
                what + ": " + response.headers());
        assertTrue(response.body().startsWith("{\"error\":\""), what + ": " + response.body());
    }

    @Test
    void madeUpMethodsAndPathsAddNoMetricSeries() throws Exception {
        long before = 0;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 150; i++) { // the first round creates the OTHER / UNKNOWN series once
                String method = "M" + round + "X" + i;
                assertJsonError(raw().send(method, "/time"), method);
                assertJsonError(raw().get("/made/up/" + round + "/" + i), "path " + i);
                assertJsonError(raw().send(method, "/gpu/x" + i), method + " /gpu/x" + i);
            }
            Thread.sleep(200); // the last responses' timers are recorded after the bytes are sent
            if (round == 0) {
                before = httpSeries();
                assertTrue(before > 0, "no HTTP series: the test would prove nothing");
            }
        }
        assertEquals(before, httpSeries(), "450 more made-up methods and paths added HTTP metric series");
        List<String> methods = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("http.server"))
                .map(m -> m.getId().getTag("method")).filter(m -> m != null).distinct().sorted().toList();
        assertTrue(HttpMetricLabels.METHODS.containsAll(methods.stream().filter(m -> !m.equals("OTHER")).toList()),
                methods.toString());
    }

    @Test
    void everyMalformedRequestGetsAJsonError() throws IOException {
        Map<String, Integer> corpus = Map.of(
                "GET /time HTTP/9.9\r\nHost: x\r\n\r\n", 505,
                "GET /time HTTP/2.0\r\nHost: x\r\n\r\n", 505,
                "GET /time HTTP/1.10\r\nHost: x\r\n\r\n", 505,
                "GET /time HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
                "GET /gpu/get_p%ZZower HTTP/1.1\r\nHost: x\r\n\r\n", 400,
                "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 404,
                "POST /gpu/set_power_limit HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", 413,
                "BREW /time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405,
                "DELETE /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404,
                "GET /time?x=%G0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400);
        for (Map.Entry<String, Integer> request : corpus.entrySet()) {
            UdsHttpClient.Response response = exchange(request.getKey());
            String what = request.getKey().lines().findFirst().orElseThrow();
            assertEquals(request.getValue(), response.status(), what);
            assertJsonError(response, what);
        }
    }

    @Test
    void controlCharactersInParametersAreRejectedAndNothingIsApplied() throws IOException {
        String before = raw().get("/gpu/get_power_limit?gpu_ids=0").body();
        for (String value : List.of("200000%00", "200000%0A", "200000%7F", "%C2%85200000", "200000%1B")) {
            UdsHttpClient.Response response = raw()
                    .post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=" + value + "&block=true");
            assertEquals(400, response.status(), value);
            assertEquals("{\"error\":\"" + RequestHeadCheck.CONTROL_CHARACTER + "\"}", response.body(), value);
        }
        assertEquals(before, raw().get("/gpu/get_power_limit?gpu_ids=0").body(), "a limit was applied");
        assertEquals(200, raw().get("/gpu/get_power_limit?gpu_ids=%200").status(), "a space is no control character");
    }

    @Test
    void garbageHalfHeadsAndSilenceAreClosed() throws Exception {
        List<byte[]> inputs = List.of(new byte[] { 0, 1, 2, (byte) 0xff, (byte) 0xfe },
                new byte[] { 0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01 }, // a TLS ClientHello's start
                "GET /time HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        // side by side, each closed before the silence limit (a SocketTimeoutException fails the test)
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (byte[] bytes : inputs) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return raw().exchange(bytes, SILENCE_LIMIT_MS);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<String> answer : answers) {
            String text = answer.get();
            assertTrue(text.isEmpty() || text.startsWith("HTTP/1."), text);
        }
    }

    @Test
    void droppedStreamsAndMissingHostsLogNoError() throws Exception {
        try (ErrorCapture errors = new ErrorCapture()) {
            for (int i = 0; i < 60; i++) {
                try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
                    socket.getOutputStream().write(("GET /" + (i % 2 == 0 ? "gpu" : "cpu") + "/stream_power HTTP/1.1\r\n"
                            + "Host: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().read(new byte[512]); // the stream has started
                    socket.setSoLinger(true, 0); // then vanish with a reset: the next event write fails
                }
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(400, exchange("GET /time HTTP/1.1\r\n\r\n").status());
            }
            Thread.sleep(500); // let the poller write into the dropped streams
            assertEquals(List.of(), errors.records, "ERROR lines logged for client behaviour");
        }
    }

    /** Records at ERROR (SEVERE) or above from every logger while open. */
    static final class ErrorCapture extends Handler implements AutoCloseable {
        final List<String> records = new CopyOnWriteArrayList<>();
        private final Logger root = Logger.getLogger("");

        ErrorCapture() {
            root.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                records.add(record.getLoggerName() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            root.removeHandler(this);
        }
    }
}
