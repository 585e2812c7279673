package dev.zeusd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.api.HttpMetricLabels;
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

    @Inject
    AcceptedConnections connections;

    private UdsHttpClient raw() {
        return UdsHttpClient.tcp(base.getPort());
    }

    private UdsHttpClient.Response exchange(String head) throws IOException {
        return UdsHttpClient.parse(raw().exchange(head.getBytes(StandardCharsets.ISO_8859_1), SILENCE_LIMIT_MS));
    }

    private long httpSeries() {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("http.server")).count();
    }

    static void assertJsonError(UdsHttpClient.Response response, String what) {
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

    /** Refused by Vert.x's HTTP/1 decoder before any route: statuses as before, now with the JSON body. */
    @Test
    void codecRefusalsGetAJsonError() throws IOException {
        Map<String, Integer> corpus = Map.of(
                "GET /time?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
                "GET /time HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n", 431,
                "GET /time HTTP/1.1\r\nHost : x\r\n\r\n", 400,
                "GET /time HTTP/1.1\r\nHost: x\r\nX-Bad\u0001Name: y\r\n\r\n", 400,
                "GET /time HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                400,
                "GET /time HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", 400);
        for (Map.Entry<String, Integer> request : corpus.entrySet()) {
            String what = request.getKey().lines().filter(l -> !l.startsWith("Host")).reduce((a, b) -> b).orElseThrow();
            what = what.length() > 60 ? what.substring(0, 60) + "..." : what;
            UdsHttpClient.Response response = exchange(request.getKey());
            assertEquals(request.getValue(), response.status(), what);
            assertJsonError(response, what);
        }
    }

    /** Cleartext HTTP/2 is not served: the preface is an HTTP/1 request line with an unsupported version. */
    @Test
    void http2PriorKnowledgeIsNotServed() throws IOException {
        String answer = raw().exchange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                SILENCE_LIMIT_MS);
        // an HTTP/1 answer (Vert.x echoes the request's version in its status line), not an HTTP/2 SETTINGS frame
        assertTrue(answer.startsWith("HTTP/"), answer);
        assertEquals(505, UdsHttpClient.parse(answer).status(), answer);
        assertJsonError(UdsHttpClient.parse(answer), "HTTP/2 preface");
    }

    /**
     * A head trickled one byte a second gets a 408 and is closed about when the deadline (10 s) passes: as the first
     * request of a connection (before: closed at 10 s without an answer) and as the second (before: held
     * indefinitely). Meanwhile a power stream opened before stays open and a keep-alive connection that sends a
     * request every 6 s is served.
     */
    @Test
    void aTrickledRequestIsCutOffButStreamsAndKeepAliveClientsAreNot() throws Exception {
        assertGuarded(InetSocketAddress.class);
        InetSocketAddress api = new InetSocketAddress("127.0.0.1", base.getPort());
        try (Socket stream = new Socket("127.0.0.1", base.getPort())) {
            stream.getOutputStream().write("GET /gpu/stream_power?gpu_ids=0 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(stream.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            CompletableFuture<List<Integer>> keepAlive =
                    CompletableFuture.supplyAsync(this::threeRequestsSixSecondsApart);
            CompletableFuture<SlowClient.Result> first = CompletableFuture.supplyAsync(() -> trickle(api, new byte[0]));

            assertDeadline(trickle(api, WHOLE_REQUEST));
            assertDeadline(first.get());
            assertEquals(List.of(200, 200, 200), keepAlive.get());
            assertStillOpen(stream);
        }
    }

    static final byte[] WHOLE_REQUEST = "GET /time HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRICKLED = ("GET /time HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(40))
            .getBytes(StandardCharsets.US_ASCII);

    static SlowClient.Result trickle(java.net.SocketAddress address, byte[] prelude) {
        try {
            return SlowClient.trickle(address, prelude, TRICKLED, 1000, SILENCE_LIMIT_MS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + SILENCE_LIMIT_MS + " ms: " + e, e);
        }
    }

    private void assertGuarded(Class<?> addressType) throws InterruptedException {
        assertGuarded(connections, addressType);
    }

    static void assertGuarded(AcceptedConnections connections, Class<?> addressType) throws InterruptedException {
        for (int i = 0; i < 100 && connections.guarded().stream().noneMatch(addressType::isInstance); i++) {
            Thread.sleep(50); // the listener-started events are asynchronous
        }
        assertEquals(null, connections.problem());
        assertTrue(connections.guarded().stream().anyMatch(addressType::isInstance), connections.guarded().toString());
    }

    static void assertDeadline(SlowClient.Result cut) {
        assertTrue(cut.closedAfterMs() >= RequestDeadline.DEFAULT_DEADLINE_MS - 500
                && cut.closedAfterMs() < RequestDeadline.DEFAULT_DEADLINE_MS + 5_000,
                "closed after " + cut.closedAfterMs() + " ms");
        UdsHttpClient.Response response = UdsHttpClient.parse(cut.lastResponse());
        assertEquals(408, response.status(), cut.answer());
        assertEquals("{\"error\":\"" + RequestDeadline.timeoutMessage(RequestDeadline.DEFAULT_DEADLINE_MS) + "\"}",
                response.body());
        assertEquals("application/json", response.header("content-type"));
    }

    private List<Integer> threeRequestsSixSecondsApart() {
        List<Integer> statuses = new ArrayList<>();
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(SILENCE_LIMIT_MS);
            for (int i = 0; i < 3; i++) {
                if (i > 0) {
                    Thread.sleep(6_000);
                }
                socket.getOutputStream().write(WHOLE_REQUEST);
                String head = readHead(socket.getInputStream());
                statuses.add(Integer.parseInt(head.split(" ")[1]));
                int length = Integer.parseInt(head.lines()
                        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:")).findFirst()
                        .orElseThrow().substring(15).trim());
                socket.getInputStream().readNBytes(length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return statuses;
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Reads for a second: events or silence, but no end of stream. */
    private static void assertStillOpen(Socket stream) throws IOException {
        stream.setSoTimeout(200);
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            try {
                assertTrue(stream.getInputStream().read(new byte[4096]) >= 0, "the power stream was closed");
            } catch (SocketTimeoutException silent) {
                // open and quiet
            }
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
