package dev.zeusd.http;

import static dev.zeusd.testsupport.ZeusStreamParser.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.zeusd.api.ServerAndGpuApiTest;
import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.SseClient;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusStreamParser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The same API over a real Unix domain socket, with the socket's mode applied after bind and no TCP listener. */
@QuarkusTest
@TestProfile(UnixSocketTransportTest.UnixSocket.class)
class UnixSocketTransportTest {
    static final Path SOCKET = Path.of(System.getProperty("java.io.tmpdir"),
            "zeusd-uds-test-" + ProcessHandle.current().pid(), "zeusd.sock");

    public static class UnixSocket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(SOCKET.getParent()); // `zeusd serve` does this before boot
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            // In production `zeusd serve` derives quarkus.http.* from zeusd.mode; tests boot Quarkus directly.
            return Map.of(
                    "zeusd.mode", "uds",
                    "zeusd.socket-path", SOCKET.toString(),
                    "zeusd.socket-permissions", "660",
                    "zeusd.stream-format", "snapshot", // the seed's dialect, here over the socket
                    "quarkus.http.host-enabled", "false",
                    "quarkus.http.domain-socket-enabled", "true",
                    "quarkus.http.domain-socket", SOCKET.toString());
        }
    }

    private final UdsHttpClient client = new UdsHttpClient(SOCKET);

    @Inject
    AcceptedConnections connections;

    /** The codec's refusals carry the JSON body over the socket too. */
    @Test
    void tooLongRequestLineGetsAJsonError() throws IOException {
        UdsHttpClient.Response line = client.get("/time?x=" + "a".repeat(5000));
        assertEquals(414, line.status());
        assertEquals("{\"error\":\"" + HttpLayerErrors.MESSAGES.get(414) + "\"}", line.body());
    }

    /** Heads trickled over the socket (a connection's first request and its second) get a 408 at the deadline. */
    @Test
    void aTrickledRequestIsCutOff() throws Exception {
        HostileInputTest.assertGuarded(connections, io.netty.channel.unix.DomainSocketAddress.class);
        UnixDomainSocketAddress socket = UnixDomainSocketAddress.of(SOCKET);
        var first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> HostileInputTest.trickle(socket, new byte[0]));
        HostileInputTest.assertDeadline(HostileInputTest.trickle(socket, HostileInputTest.WHOLE_REQUEST));
        HostileInputTest.assertDeadline(first.get());
    }

    @Test
    void discoverIsByteForByteTheSameAsOverTcp() throws IOException {
        UdsHttpClient.Response response = client.get("/discover");
        assertEquals(200, response.status());
        assertEquals("application/json;charset=UTF-8", response.header("content-type").replace(" ", ""));
        assertEquals(ServerAndGpuApiTest.DISCOVER,
                response.body());
    }

    @Test
    void auditNamesThePeerFromSoPeercred() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            assertEquals(200, client.post("/gpu/set_persistence_mode?gpu_ids=2&enabled=true&block=true").status());
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .findFirst().orElseThrow().split("\\s+")[2];
            assertTrue(audit.lines().get(0).contains(" caller=uid=" + uid + ",pid=" + ProcessHandle.current().pid()
                    + " gpu=2 op=set_persistence_mode enabled=true previous=false outcome=ok"), audit.lines().toString());
        }
        assertEquals(200, client.post("/gpu/set_persistence_mode?gpu_ids=2&enabled=false&block=true").status());
    }

    @Test
    void readsWritesAndErrorsWork() throws IOException {
        assertEquals(200, client.post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=250000&block=true").status());
        UdsHttpClient.Response limit = client.get("/gpu/get_power_limit?gpu_ids=0");
        assertEquals("{\"0\":{\"power_limit_mw\":250000}}", limit.body());
        UdsHttpClient.Response bad = client.get("/gpu/get_power?gpu_ids=x");
        assertEquals(400, bad.status());
        assertTrue(bad.body().startsWith("{\"error\":"), bad.body());
        UdsHttpClient.Response cpu = client.get("/cpu/get_power?cpu_ids=1");
        assertTrue(cpu.body().contains("\"1\":{\"cpu_mw\":"), cpu.body());
        assertEquals(200, client.post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=300000&block=true").status());
    }

    @Test
    void snapshotStreamOverTheSocket() throws IOException {
        try (SseClient sse = SseClient.unix(SOCKET, "/gpu/stream_power?gpu_ids=1")) {
            assertEquals("text/event-stream", sse.header("Content-Type"));
            for (String event : sse.nextEvents(3)) {
                assertTrue(event.matches("data: \\{\"timestamp_ms\":\\d{13},\"power_mw\":\\{\"1\":\\d+}}\n\n"),
                        event);
            }
        }
    }

    /** As zeus <= 0.15's PowerStreamingClient reads it: every event a whole snapshot of the requested devices. */
    @Test
    void seedClientReadsSnapshots() throws IOException {
        try (SseClient gpu = SseClient.unix(SOCKET, "/gpu/stream_power?gpu_ids=3,0");
                SseClient cpu = SseClient.unix(SOCKET, "/cpu/stream_power")) {
            for (JsonNode event : ZeusStreamParser.events(gpu.nextEvents(3))) {
                assertEquals(List.of("timestamp_ms", "power_mw"), fieldNames(event));
                assertEquals(List.of("0", "3"), fieldNames(event.get("power_mw")));
            }
            for (JsonNode event : ZeusStreamParser.events(cpu.nextEvents(2))) {
                assertEquals(List.of("0", "1"), fieldNames(event.get("power_mw")));
                assertTrue(event.get("power_mw").get("1").get("dram_mw").isNull(), event.toString());
                assertTrue(event.get("power_mw").get("0").get("cpu_mw").asLong() > 0, event.toString());
            }
        }
    }


    @Test
    void socketModeIsApplied() throws Exception {
        // The mode is applied right after bind, on another thread; give it a moment.
        for (int i = 0; i < 100 && !Files.getPosixFilePermissions(SOCKET).equals(
                PosixFilePermissions.fromString("rw-rw----")); i++) {
            Thread.sleep(20);
        }
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(SOCKET));
    }

    @Test
    void noTcpListener() {
        for (int port : new int[] { 4938, 8080, 8081 }) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                throw new AssertionError("something listens on TCP " + port);
            } catch (IOException expected) {
                // nothing there
            }
        }
    }
}
