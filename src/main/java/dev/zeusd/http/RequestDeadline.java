package dev.zeusd.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * One connection's guard (API and management listeners), put first in its Netty pipeline by
 * {@link AcceptedConnections} when it is accepted.
 * <p>
 * A request must arrive whole within the deadline, the listener's idle timeout ({@code quarkus.http.idle-timeout},
 * 10 s, on the API; {@code quarkus.management.idle-timeout}, 30 s, on the management port, read from Vert.x's idle
 * handler), counted from the moment the connection was accepted or the previous response ended; this replaces
 * Vert.x's idle timeout on the connection. (That one restarted with every byte once {@link IdleTimeoutBetweenRequests}
 * had put it back after a first request, so a second head trickled one byte a second was held indefinitely.) While a
 * request is served there is no deadline: a power stream may run for days and a {@code block=true} control call may
 * wait on a slow command. When the deadline passes with part of a request received, the client gets a 408 with the
 * JSON error body and the connection is closed; an idle keep-alive connection is just closed.
 * <p>
 * When the connection is registered, Vert.x has built its pipeline ({@link Http1Only} makes that happen at accept time
 * on the API listeners); {@link VertxPipelineTakeover} then puts the guard in place (the JSON invalid-request handler,
 * a {@link RequestWatch} that reports request heads and ends and response ends here) or, if the pipeline is not as
 * expected, the guard removes itself and reports it once. An HTTP/2 connection (management only) is left to Vert.x.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    static final String NAME = "zeusd-request-deadline";
    static final String WATCH = "zeusd-request-watch";
    static final long DEFAULT_DEADLINE_MS = 10_000;

    private final VertxPipelineTakeover takeover;
    private final Runnable timedOut;
    private final Runnable guarded;
    private ChannelHandlerContext context;
    private long deadlineMs = DEFAULT_DEADLINE_MS;
    private boolean guarding;
    private ScheduledFuture<?> timer;
    /** Requests whose head arrived and whose response has not ended (more than one when pipelined). */
    private int pending;
    /** A request's head arrived, its end (body) not yet. */
    private boolean receiving;
    /** Bytes arrived since the last whole request: a deadline now cuts a request short, not an idle connection. */
    private boolean partial;

    RequestDeadline(Handler<HttpServerRequest> invalidRequests, Consumer<String> problem, Runnable timedOut,
            Runnable guarded) {
        this.takeover = new VertxPipelineTakeover(this, invalidRequests, problem);
        this.timedOut = timedOut;
        this.guarded = guarded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** Fired after the channel's initializers ran, so Vert.x's handlers are in place. */
    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (takeover.registered(pipeline)) {
            guarding = true;
            guarded.run();
            ctx.fireChannelRegistered();
            return;
        }
        ctx.fireChannelRegistered();
        pipeline.remove(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (guarding) {
            arm();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            partial = true;
            if (takeover.undecided()) {
                takeover.decide(ctx, bytes);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    /** Vert.x's idle timeout on this listener, which the deadline replaces. */
    void deadlineMs(long deadlineMs) {
        this.deadlineMs = deadlineMs;
    }

    void requestHead() {
        pending++;
        receiving = true;
        if (timer == null) {
            arm(); // pipelined behind a response in progress: its own bytes must still arrive in time
        }
    }

    void requestEnd() {
        receiving = false;
        partial = false;
        if (pending > 0) {
            disarm(); // being served: no deadline
        }
    }

    void responseEnd() {
        if (pending > 0) {
            pending--;
        }
        if (pending == 0 && !receiving) {
            disarm();
            arm(); // a fresh deadline for the next request
        }
    }

    private void arm() {
        if (timer == null) {
            timer = context.executor().schedule(this::expired, deadlineMs, TimeUnit.MILLISECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (!context.channel().isActive()) {
            return;
        }
        if (takeover.upgradedToHttp2(context.pipeline())) {
            takeover.stepAside(context.pipeline()); // upgraded to HTTP/2 (Upgrade: h2c)
            return;
        }
        if (pending == 0 && partial) {
            timedOut.run();
            // Written below Vert.x's HTTP encoder, as bytes: Vert.x has no request to answer yet.
            context.writeAndFlush(Unpooled.wrappedBuffer(timeoutResponse(deadlineMs)))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            context.close();
        }
    }

    static String timeoutMessage(long deadlineMs) {
        return "Request not received in time: the whole request must arrive within " + (deadlineMs + 999) / 1000
                + " s.";
    }

    static byte[] timeoutResponse(long deadlineMs) {
        byte[] body = new JsonObject().put("error", timeoutMessage(deadlineMs)).encode()
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: "
                + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        return response;
    }
}
