package dev.zeusd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.Management;
import dev.zeusd.testsupport.UdsHttpClient;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The management listener (health and metrics, a random port in tests) gets the API's guard too: the HTTP codec's
 * refusals carry the JSON error body, and a head trickled byte by byte is cut off at the management idle timeout
 * (30 s); probes and scrapes are served as before, one after another on a keep-alive connection too.
 */
@QuarkusTest
class ManagementHostileInputTest {
    private static final int SILENCE_LIMIT_MS = 30_000;
    private static final long MANAGEMENT_DEADLINE_MS = 30_000; // quarkus.management.idle-timeout

    private final int port = Management.url("/").getPort();

    @Inject
    AcceptedConnections connections;

    private UdsHttpClient.Response exchange(String head) throws IOException {
        return UdsHttpClient.parse(UdsHttpClient.tcp(port).exchange(head.getBytes(StandardCharsets.ISO_8859_1),
                SILENCE_LIMIT_MS));
    }

    private void assertManagementGuarded() throws InterruptedException {
        for (int i = 0; i < 100 && !managementGuarded(); i++) {
            Thread.sleep(50); // the listener-started events are asynchronous
        }
        assertEquals(null, connections.problem());
        assertTrue(managementGuarded(), port + " not among " + connections.guarded());
    }

    private boolean managementGuarded() {
        return connections.guarded().stream()
                .anyMatch(address -> address instanceof InetSocketAddress inet && inet.getPort() == port);
    }

    @Test
    void codecRefusalsGetAJsonError() throws Exception {
        assertManagementGuarded();
        Map<String, Integer> corpus = Map.of(
                "GET /q/health?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, // limit 4096
                "GET /q/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(21_000) + "\r\n\r\n", 431, // limit 8K
                "GET /q/metrics HTTP/1.1\r\nHost : x\r\n\r\n", 400,
                "GET /q/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n", 400,
                // starts like the HTTP/2 preface: Vert.x decides on the second byte
                "POST /q/health?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        for (Map.Entry<String, Integer> request : corpus.entrySet()) {
            String what = request.getKey().lines().filter(l -> !l.startsWith("Host") && !l.isEmpty())
                    .reduce((a, b) -> b).orElseThrow();
            what = what.length() > 60 ? what.substring(0, 60) + "..." : what;
            UdsHttpClient.Response response = exchange(request.getKey());
            assertEquals(request.getValue(), response.status(), what);
            HostileInputTest.assertJsonError(response, what);
        }
    }

    /** Probes and scrapes as before: several on one keep-alive connection, each whole and in order. */
    @Test
    void probesAndScrapesAreServedAsBefore() throws Exception {
        assertManagementGuarded();
        UdsHttpClient.Response health = UdsHttpClient.tcp(port).get("/q/health");
        assertEquals(200, health.status(), health.body());
        assertTrue(health.body().contains("\"status\": \"UP\"") || health.body().contains("\"status\":\"UP\""),
                health.body());
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(SILENCE_LIMIT_MS);
            for (String path : new String[] { "/q/health/live", "/q/metrics", "/q/health/ready", "/q/metrics" }) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = HostileInputTest.readHead(socket.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 200"), path + ": " + head);
                String body = new String(readBody(socket.getInputStream(), head), StandardCharsets.UTF_8);
                if (path.equals("/q/metrics")) {
                    assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/openmetrics-text"),
                            head);
                    assertTrue(body.contains("# HELP zeusd_gpu_power_watts"), body);
                }
            }
        }
    }

    /** Cleartext HTTP/2 stays Vert.x's on the management port (the guard steps aside): by upgrade and by preface. */
    @Test
    void cleartextHttp2IsLeftToVertx() throws Exception {
        assertManagementGuarded();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(SILENCE_LIMIT_MS);
            String upgrade = "GET /q/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
            socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            String head = HostileInputTest.readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(SILENCE_LIMIT_MS);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }); // an empty SETTINGS frame
            byte[] frame = socket.getInputStream().readNBytes(9);
            assertEquals(4, frame[3], "the server's first HTTP/2 frame is SETTINGS");
        }
        assertEquals(200, UdsHttpClient.tcp(port).get("/q/health").status());
        assertEquals(null, connections.problem());
    }

    /** The management deadline is its idle timeout, 30 s: a trickled head gets the JSON 408 then. */
    @Test
    void aTrickledRequestIsCutOffAtTheManagementIdleTimeout() throws Exception {
        assertManagementGuarded();
        SlowClient.Result cut = SlowClient.trickle(new InetSocketAddress("127.0.0.1", port), new byte[0],
                ("GET /q/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(60)).getBytes(StandardCharsets.US_ASCII),
                1000, MANAGEMENT_DEADLINE_MS + 15_000);
        assertTrue(cut.closedAfterMs() >= MANAGEMENT_DEADLINE_MS - 500
                && cut.closedAfterMs() < MANAGEMENT_DEADLINE_MS + 5_000, "closed after " + cut.closedAfterMs() + " ms");
        UdsHttpClient.Response response = UdsHttpClient.parse(cut.lastResponse());
        assertEquals(408, response.status(), cut.answer());
        assertEquals("{\"error\":\"" + RequestDeadline.timeoutMessage(MANAGEMENT_DEADLINE_MS) + "\"}", response.body());
    }

    /** A content-length body or a chunked one (the metrics). */
    private static byte[] readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        int length = lower.indexOf("content-length:");
        if (length >= 0) {
            return in.readNBytes(Integer.parseInt(lower.substring(length + 15, lower.indexOf("\r\n", length)).trim()));
        }
        assertTrue(lower.contains("transfer-encoding: chunked"), head);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            while (!size.toString().endsWith("\r\n")) {
                size.append((char) in.read());
            }
            int n = Integer.parseInt(size.toString().trim().split(";")[0], 16);
            body.write(in.readNBytes(n));
            in.readNBytes(2); // CRLF
            if (n == 0) {
                return body.toByteArray();
            }
        }
    }
}
