package dev.zeusd.api;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.VertxHandler;

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
 * When the connection is registered, Vert.x has built its HTTP/1 pipeline ({@link Http1Only} makes that happen at
 * accept time on the API listeners) and created its {@link Http1xServerConnection}; this then (1) gives that
 * connection the JSON invalid-request handler (the request line too long, headers too large, a malformed head:
 * Vert.x's own answers have an empty body) and (2) puts a {@link Watch} between Vert.x's HTTP codec and its connection
 * handler, to see request heads and ends come in and responses end go out. On the management listener cleartext
 * HTTP/2 is on (Quarkus offers no way to turn it off there), so Vert.x builds that pipeline only when the first bytes
 * show an HTTP/1 client; the guard passes those bytes on one at a time and takes over the moment it exists. Both are
 * Vert.x internals (public methods of classes in {@code io.vertx.core.*.impl}); if the pipeline is not as expected the
 * guard removes itself and reports it once. An HTTP/2 connection (prior knowledge or {@code Upgrade: h2c}, management
 * only) is left to Vert.x.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    static final String NAME = "zeusd-request-deadline";
    static final String WATCH = "zeusd-request-watch";
    /** Vert.x's names in an HTTP/1 server pipeline (HttpServerWorker). */
    static final String VERTX_CONNECTION = "handler";
    static final String VERTX_IDLE = "idle";
    static final String VERTX_H2C = "h2c";
    static final long DEFAULT_DEADLINE_MS = 10_000;

    private final Handler<HttpServerRequest> invalidRequests;
    private final Consumer<String> problem;
    private final Runnable timedOut;
    private final Runnable guarded;
    private ChannelHandlerContext context;
    private long deadlineMs = DEFAULT_DEADLINE_MS;
    private boolean guarding;
    /** Vert.x has not yet chosen between HTTP/1 and cleartext HTTP/2 for this connection. */
    private boolean undecided;
    /** HTTP/1 chosen, but Vert.x creates the connection only with the first request head (h2c upgrades are on). */
    private boolean connectionPending;
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
        if (takeOver(pipeline)) {
            guarding = true;
            guarded.run();
            ctx.fireChannelRegistered();
            return;
        }
        if (pipeline.get(Http1xOrH2CHandler.class) != null) {
            // Cleartext HTTP/2 is on (the management listener): Vert.x builds the HTTP/1 pipeline once the first bytes
            // show the client does not send the HTTP/2 preface; channelRead takes over then. Its idle handler stays
            // until that moment (Vert.x removes that very handler itself when it decides).
            if (pipeline.get(VERTX_IDLE) instanceof IdleStateHandler idle && idle.getAllIdleTimeInMillis() > 0) {
                deadlineMs = idle.getAllIdleTimeInMillis();
            }
            undecided = true;
            guarding = true;
            guarded.run();
            ctx.fireChannelRegistered();
            return;
        }
        if (pipeline.get(VERTX_CONNECTION) != null) {
            problem.accept("an accepted connection's pipeline is not Vert.x's HTTP/1 pipeline: " + pipeline.names());
        } // else Vert.x refused the connection (a 503 while it stops accepting): nothing to guard
        ctx.fireChannelRegistered();
        pipeline.remove(this);
    }

    /**
     * When Vert.x's HTTP/1 pipeline is in place: gives its connection the JSON invalid-request handler, puts the
     * {@link Watch} in, and replaces Vert.x's idle handler by this deadline.
     */
    private boolean takeOver(ChannelPipeline pipeline) {
        if (!(pipeline.get(VERTX_CONNECTION) instanceof VertxHandler<?> vertx
                && vertx.getConnection() instanceof Http1xServerConnection connection)) {
            return false;
        }
        connection.invalidRequestHandler(invalidRequests);
        pipeline.addBefore(VERTX_CONNECTION, WATCH, new Watch());
        replaceIdle(pipeline);
        return true;
    }

    /**
     * The HTTP/1 pipeline with cleartext HTTP/2 on: Vert.x's {@code h2c} handler creates the connection only when the
     * first request head is decoded (it could ask for an upgrade), then passes that head on. The {@link Watch} goes
     * right after it, so it is between the codec and the connection once that exists, and gets the head first.
     */
    private boolean awaitConnection(ChannelPipeline pipeline) {
        if (pipeline.get(VERTX_H2C) == null || pipeline.get(VERTX_CONNECTION) != null) {
            return false;
        }
        pipeline.addAfter(VERTX_H2C, WATCH, new Watch());
        replaceIdle(pipeline);
        connectionPending = true;
        return true;
    }

    private void replaceIdle(ChannelPipeline pipeline) {
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
    }

    /** Steps aside for HTTP/2; anything else means Vert.x's pipelines changed: reported. */
    private void http2OrReport(ChannelPipeline pipeline) {
        if (!(pipeline.get(VERTX_CONNECTION) instanceof Http2ConnectionHandler)) {
            problem.accept("an accepted connection's pipeline is neither Vert.x's HTTP/1 nor its HTTP/2 pipeline: "
                    + pipeline.names());
        }
        stepAside(pipeline);
    }

    /** HTTP/2 (management only): Vert.x's own handling applies. */
    private void stepAside(ChannelPipeline pipeline) {
        if (pipeline.get(WATCH) != null) {
            pipeline.remove(WATCH);
        }
        if (pipeline.get(NAME) == this) {
            pipeline.remove(this);
        }
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
            if (undecided) {
                decide(ctx, bytes);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * Passes the first bytes on one at a time until Vert.x has chosen HTTP/1 or HTTP/2 (at most the 24 bytes of the
     * HTTP/2 preface): one byte is never a line its HTTP/1 decoder could refuse, so the JSON invalid-request handler
     * is in place before the decoder sees a whole request line. On HTTP/2 (prior knowledge) the guard steps aside and
     * Vert.x's own idle timeout applies.
     */
    private void decide(ChannelHandlerContext ctx, ByteBuf bytes) {
        ChannelPipeline pipeline = ctx.pipeline();
        while (bytes.isReadable() && pipeline.get(Http1xOrH2CHandler.class) != null) {
            ctx.fireChannelRead(bytes.readRetainedSlice(1));
        }
        if (pipeline.get(Http1xOrH2CHandler.class) != null || !ctx.channel().isActive()) {
            bytes.release(); // all of it passed on: a prefix of the preface so far, or the connection was closed
            return;
        }
        undecided = false;
        boolean http1 = awaitConnection(pipeline) || takeOver(pipeline);
        if (bytes.isReadable()) {
            ctx.fireChannelRead(bytes);
        } else {
            bytes.release();
        }
        if (!http1) {
            http2OrReport(pipeline);
        }
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
        if (!undecided && !connectionPending
                && !(context.pipeline().get(VERTX_CONNECTION) instanceof VertxHandler<?> vertx
                        && vertx.getConnection() instanceof Http1xServerConnection)) {
            stepAside(context.pipeline()); // upgraded to HTTP/2 (Upgrade: h2c)
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
            if (connectionPending) { // Vert.x's h2c handler has just created the connection, or upgraded to HTTP/2
                connectionPending = false;
                if (ctx.pipeline().get(VERTX_CONNECTION) instanceof VertxHandler<?> vertx
                        && vertx.getConnection() instanceof Http1xServerConnection connection) {
                    connection.invalidRequestHandler(invalidRequests);
                } else {
                    http2OrReport(ctx.pipeline());
                    ctx.fireChannelRead(msg);
                    return;
                }
            }
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
