package dev.zeusd.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.VertxHandler;

/**
 * One API connection's guard, put first in its Netty pipeline by {@link AcceptedConnections} when it is accepted.
 * <p>
 * A request must arrive whole within the deadline ({@code quarkus.http.idle-timeout}, 10 s), counted from the moment
 * the connection was accepted or the previous response ended; this replaces Vert.x's idle timeout on the connection.
 * (That one restarted with every byte once {@link IdleTimeoutBetweenRequests} had put it back after a first
 * request, so a second head trickled one byte a second was held indefinitely.) While a request is served there is no
 * deadline: a power stream may run for days and a {@code block=true} control call may wait on a slow command. When the
 * deadline passes with part of a request received, the client gets a 408 with the JSON error body and the connection
 * is closed; an idle keep-alive connection is just closed.
 * <p>
 * When the connection is registered, Vert.x has built its HTTP/1 pipeline ({@link Http1Only} makes that happen at
 * accept time) and created its {@link Http1xServerConnection}; this then (1) gives that connection the JSON
 * invalid-request handler (the request line too long, headers too large, a malformed head: Vert.x's own answers have
 * an empty body) and (2) puts a {@link Watch} between Vert.x's HTTP codec and its connection handler, to see request
 * heads and ends come in and responses end go out. Both are Vert.x internals (public methods of classes in
 * {@code io.vertx.core.*.impl}); if the pipeline is not as expected the guard removes itself and reports it once.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    static final String NAME = "zeusd-request-deadline";
    static final String WATCH = "zeusd-request-watch";
    /** Vert.x's names in an HTTP/1 server pipeline (HttpServerWorker). */
    static final String VERTX_CONNECTION = "handler";
    static final String VERTX_IDLE = "idle";
    static final long DEFAULT_DEADLINE_MS = 10_000;

    private final Handler<HttpServerRequest> invalidRequests;
    private final Consumer<String> problem;
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
        this.invalidRequests = invalidRequests;
        this.problem = problem;
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
        ChannelHandler vertxHandler = pipeline.get(VERTX_CONNECTION);
        if (vertxHandler instanceof VertxHandler<?> vertx
                && vertx.getConnection() instanceof Http1xServerConnection connection) {
            connection.invalidRequestHandler(invalidRequests);
            pipeline.addBefore(VERTX_CONNECTION, WATCH, new Watch());
            if (pipeline.get(VERTX_IDLE) instanceof IdleStateHandler idle) {
                // This deadline replaces Vert.x's idle timeout (and IdleTimeoutBetweenRequests, which then finds
                // no "idle" handler to suspend): that one sits after the HTTP decoder, so a half-sent head looks
                // idle and is closed without an answer, and once IdleTimeoutBetweenRequests has put it back first
                // in the pipeline every trickled byte restarts it.
                if (idle.getAllIdleTimeInMillis() > 0) {
                    deadlineMs = idle.getAllIdleTimeInMillis();
                }
                pipeline.remove(idle);
            }
            guarding = true;
            guarded.run();
            ctx.fireChannelRegistered();
            return;
        }
        if (vertxHandler != null) {
            problem.accept("an accepted connection's pipeline is not Vert.x's HTTP/1 pipeline: " + pipeline.names());
        } // else Vert.x refused the connection (a 503 while it stops accepting): nothing to guard
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

    long deadlineMs() {
        return deadlineMs;
    }

    private void requestHead() {
        pending++;
        receiving = true;
        if (timer == null) {
            arm(); // pipelined behind a response in progress: its own bytes must still arrive in time
        }
    }

    private void requestEnd() {
        receiving = false;
        partial = false;
        if (pending > 0) {
            disarm(); // being served: no deadline
        }
    }

    private void responseEnd() {
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

    /** Between Vert.x's HTTP codec and its connection: decoded requests come in, responses go out. */
    private final class Watch extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                requestHead();
            }
            if (msg instanceof LastHttpContent) { // a FullHttpRequest is both
                requestEnd();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean interim = msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL; // 100 Continue, 103
            if (msg instanceof LastHttpContent && !interim) {
                responseEnd();
            }
            ctx.write(msg, promise);
        }
    }
}
