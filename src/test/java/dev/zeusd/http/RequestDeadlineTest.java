package dev.zeusd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.http.impl.Http1xOrH2CHandler;

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
        EmbeddedChannel channel = registered(VertxPipelineTakeover.VERTX_CONNECTION, new ChannelInboundHandlerAdapter());
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

    /**
     * With cleartext HTTP/2 on (the management listener) Vert.x chooses the pipeline on the first bytes: the guard
     * hands them over one at a time, so the decoder Vert.x then puts in sees no whole line before the guard can take
     * over; a pipeline it does not recognise then is reported.
     */
    @Test
    void theFirstBytesGoOneAtATimeUntilVertxHasChosenAndAnUnknownChoiceIsReported() throws Exception {
        List<Integer> seen = new ArrayList<>();
        Http1xOrH2CHandler choosing = new Http1xOrH2CHandler() {
            @Override
            protected void configure(ChannelHandlerContext ctx, boolean h2c) {
                ctx.pipeline().addLast(VertxPipelineTakeover.VERTX_CONNECTION, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext next, Object msg) {
                        seen.add(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }
                });
            }
        };
        EmbeddedChannel channel = registered("h1OrH2c", choosing);
        assertEquals(1, guarded, "guarded while Vert.x has not chosen");
        assertNotNull(channel.pipeline().get(RequestDeadline.NAME));
        channel.writeInbound(Unpooled.copiedBuffer("POST /q/health HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        // "P" matches the preface and is held; "O" does not: Vert.x passes "PO" on, the guard the rest at once
        assertEquals(List.of(2, "POST /q/health HTTP/1.1\r\n\r\n".length() - 2), seen);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("neither Vert.x's HTTP/1 nor its HTTP/2 pipeline"), problems.get(0));
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
