package dev.zeusd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The guard's own self-check, on a bare Netty channel: a pipeline that is not Vert.x's HTTP/1 pipeline is reported
 * (what a Vert.x upgrade that renames or restructures it would look like), and the guard steps aside. The guarded
 * behaviour itself is tested end to end in HostileInputTest and UnixSocketTransportTest.
 */
class RequestDeadlineTest {
    private final List<String> problems = new ArrayList<>();
    private int guarded;

    private EmbeddedChannel registered(String name, io.netty.channel.ChannelHandler vertxLike) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        if (vertxLike != null) {
            channel.pipeline().addLast(name, vertxLike);
        }
        channel.pipeline().addFirst(RequestDeadline.NAME, new RequestDeadline(request -> {
        }, problems::add, () -> {
        }, () -> guarded++));
        channel.register();
        return channel;
    }

    @Test
    void aForeignConnectionHandlerIsReportedAndTheGuardStepsAside() throws Exception {
        EmbeddedChannel channel = registered(RequestDeadline.VERTX_CONNECTION, new ChannelInboundHandlerAdapter());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("not Vert.x's HTTP/1 pipeline"), problems.get(0));
        assertNull(channel.pipeline().get(RequestDeadline.NAME));
        assertEquals(0, guarded);
    }

    @Test
    void aConnectionVertxRefusedIsLeftAloneWithoutAReport() throws Exception {
        EmbeddedChannel channel = registered("httpDecoder", new ChannelInboundHandlerAdapter()); // the 503 path
        assertEquals(List.of(), problems);
        assertNull(channel.pipeline().get(RequestDeadline.NAME));
    }

    @Test
    void theTimeoutAnswerIsOneWholeJsonResponse() {
        String response = new String(RequestDeadline.timeoutResponse(10_000), StandardCharsets.UTF_8);
        String body = "{\"error\":\"" + RequestDeadline.timeoutMessage(10_000) + "\"}";
        assertEquals("HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length() + "\r\nconnection: close\r\n\r\n" + body, response);
        assertTrue(body.contains("within 10 s"), body);
    }
}
