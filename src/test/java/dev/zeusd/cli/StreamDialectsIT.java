package dev.zeusd.cli;

import static dev.zeusd.testsupport.ZeusStreamParser.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.zeusd.testsupport.SseClient;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;
import dev.zeusd.testsupport.ZeusStreamParser;

/**
 * {@code --stream-format} on the packaged daemon, each dialect read as its Zeus client generation reads it, plus what
 * {@code zeusd serve} sets up before boot for malformed queries.
 */
class StreamDialectsIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void perDeviceEventsByDefaultOverTheSocket() throws Exception {
        Path socket = dir.resolve("zeusd.sock");
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--socket-path", socket.toString())) {
            zeusd.awaitStarted(START);
            try (SseClient sse = SseClient.unix(socket, "/gpu/stream_power?gpu_ids=2")) {
                for (JsonNode event : ZeusStreamParser.events(sse.nextEvents(3))) {
                    assertEquals(List.of("timestamp_ms", "gpu_id", "power_mw"), fieldNames(event));
                    assertEquals(2, event.get("gpu_id").asInt());
                }
            }
            UdsHttpClient.Response malformed = new UdsHttpClient(socket).get("/gpu/get_power?gpu_ids=%zz");
            assertEquals(400, malformed.status());
            assertEquals("{\"error\":\"Malformed percent-encoding in the query string.\"}", malformed.body());
            zeusd.stop();
        }
    }

    @Test
    void snapshotsWithTheFlagOverTcp() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + port, "--stream-format", "snapshot")) {
            zeusd.awaitStarted(START);
            try (SseClient sse = SseClient.tcp(port, "/gpu/stream_power?gpu_ids=0,3")) {
                for (JsonNode event : ZeusStreamParser.events(sse.nextEvents(3))) {
                    assertEquals(List.of("timestamp_ms", "power_mw"), fieldNames(event));
                    assertEquals(List.of("0", "3"), fieldNames(event.get("power_mw")));
                }
            }
            zeusd.stop();
        }
    }

    @Test
    void anUnknownFormatIsAUsageError() throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--stream-format", "events")) {
            assertEquals(2, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().contains("--stream-format"), zeusd.stderr());
        }
    }

}
