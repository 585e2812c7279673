package dev.zeusd.http;

import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.impl.VertxHandler;

/**
 * How one connection's {@link RequestDeadline} takes its place in Vert.x's HTTP/1 pipeline, or steps aside. Kept
 * apart from the deadline because this is the part that depends on Vert.x internals (public methods of classes in
 * {@code io.vertx.core.*.impl}, and its handler names): a Vert.x upgrade that changes them is fixed here.
 * <p>
 * Taking over means (1) giving Vert.x's {@link Http1xServerConnection} the JSON invalid-request handler (the request
 * line too long, headers too large, a malformed head: Vert.x's own answers have an empty body), (2) putting a
 * {@link RequestWatch} between Vert.x's HTTP codec and its connection handler, and (3) replacing Vert.x's idle handler
 * by the deadline. On the management listener cleartext HTTP/2 is on (Quarkus offers no way to turn it off there), so
 * Vert.x builds the HTTP/1 pipeline only when the first bytes show an HTTP/1 client, and creates the connection only
 * with the first request head (which could ask for an upgrade): the guard passes the first bytes on one at a time and
 * takes over the moment each exists. HTTP/2 (prior knowledge or {@code Upgrade: h2c}) is left to Vert.x; any other
 * pipeline is reported.
 */
final class VertxPipelineTakeover {
    /** Vert.x's names in an HTTP/1 server pipeline (HttpServerWorker). */
    static final String VERTX_CONNECTION = "handler";
    static final String VERTX_IDLE = "idle";
    static final String VERTX_H2C = "h2c";
    private final RequestDeadline deadline;
    private final Handler<HttpServerRequest> invalidRequests;
    private final Consumer<String> problem;
    /** Vert.x has not yet chosen between HTTP/1 and cleartext HTTP/2 for this connection. */
    private boolean undecided;
    /** HTTP/1 chosen, but Vert.x creates the connection only with the first request head (h2c upgrades are on). */
    private boolean connectionPending;

    VertxPipelineTakeover(RequestDeadline deadline, Handler<HttpServerRequest> invalidRequests,
            Consumer<String> problem) {
        this.deadline = deadline;
        this.invalidRequests = invalidRequests;
        this.problem = problem;
    }

    /**
     * When the connection is registered (its initializers ran): whether the guard stays, having taken over Vert.x's
     * HTTP/1 pipeline or waiting for Vert.x to choose the protocol. When it does not, a pipeline that is not Vert.x's
     * has been reported; with no Vert.x connection handler at all, Vert.x refused the connection (a 503 while it
     * stops accepting) and there is nothing to guard.
     */
    boolean registered(ChannelPipeline pipeline) {
        if (takeOver(pipeline)) {
            return true;
        }
        if (pipeline.get(Http1xOrH2CHandler.class) != null) {
            // Cleartext HTTP/2 is on (the management listener): Vert.x builds the HTTP/1 pipeline once the first bytes
            // show the client does not send the HTTP/2 preface; decide() takes over then. Its idle handler stays
            // until that moment (Vert.x removes that very handler itself when it decides).
            if (pipeline.get(VERTX_IDLE) instanceof IdleStateHandler idle && idle.getAllIdleTimeInMillis() > 0) {
                deadline.deadlineMs(idle.getAllIdleTimeInMillis());
            }
            undecided = true;
            return true;
        }
        if (pipeline.get(VERTX_CONNECTION) != null) {
            problem.accept("an accepted connection's pipeline is not Vert.x's HTTP/1 pipeline: " + pipeline.names());
        }
        return false;
    }

    /** Vert.x has not yet chosen between HTTP/1 and HTTP/2: bytes go through {@link #decide}. */
    boolean undecided() {
        return undecided;
    }

    /**
     * When Vert.x's HTTP/1 pipeline is in place: gives its connection the JSON invalid-request handler, puts the
     * {@link RequestWatch} in, and replaces Vert.x's idle handler by the deadline.
     */
    private boolean takeOver(ChannelPipeline pipeline) {
        Http1xServerConnection connection = http1Connection(pipeline);
        if (connection == null) {
            return false;
        }
        connection.invalidRequestHandler(invalidRequests);
        pipeline.addBefore(VERTX_CONNECTION, RequestDeadline.WATCH, new RequestWatch(deadline, this));
        replaceIdle(pipeline);
        return true;
    }

    /**
     * The HTTP/1 pipeline with cleartext HTTP/2 on: Vert.x's {@code h2c} handler creates the connection only when the
     * first request head is decoded (it could ask for an upgrade), then passes that head on. The {@link RequestWatch}
     * goes right after it, so it is between the codec and the connection once that exists, and gets the head first.
     */
    private boolean awaitConnection(ChannelPipeline pipeline) {
        if (pipeline.get(VERTX_H2C) == null || pipeline.get(VERTX_CONNECTION) != null) {
            return false;
        }
        pipeline.addAfter(VERTX_H2C, RequestDeadline.WATCH, new RequestWatch(deadline, this));
        replaceIdle(pipeline);
        connectionPending = true;
        return true;
    }

    /**
     * Called by the {@link RequestWatch} with each decoded message: whether it is to be watched. The first one after
     * {@link #awaitConnection} comes when Vert.x's h2c handler has just created the HTTP/1 connection (which gets the
     * JSON invalid-request handler now) or upgraded to HTTP/2 (the guard steps aside).
     */
    boolean connectionReady(ChannelPipeline pipeline) {
        if (!connectionPending) {
            return true;
        }
        connectionPending = false;
        Http1xServerConnection connection = http1Connection(pipeline);
        if (connection == null) {
            http2OrReport(pipeline);
            return false;
        }
        connection.invalidRequestHandler(invalidRequests);
        return true;
    }

    /** When the deadline passes: whether the connection has become HTTP/2 ({@code Upgrade: h2c}) meanwhile. */
    boolean upgradedToHttp2(ChannelPipeline pipeline) {
        return !undecided && !connectionPending && http1Connection(pipeline) == null;
    }

    private static Http1xServerConnection http1Connection(ChannelPipeline pipeline) {
        return pipeline.get(VERTX_CONNECTION) instanceof VertxHandler<?> vertx
                && vertx.getConnection() instanceof Http1xServerConnection connection ? connection : null;
    }

    private void replaceIdle(ChannelPipeline pipeline) {
        if (pipeline.get(VERTX_IDLE) instanceof IdleStateHandler idle) {
            // The deadline replaces Vert.x's idle timeout (and IdleTimeoutBetweenRequests, which then finds
            // no "idle" handler to suspend): that one sits after the HTTP decoder, so a half-sent head looks
            // idle and is closed without an answer, and once IdleTimeoutBetweenRequests has put it back first
            // in the pipeline every trickled byte restarts it.
            if (idle.getAllIdleTimeInMillis() > 0) {
                deadline.deadlineMs(idle.getAllIdleTimeInMillis());
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
    void stepAside(ChannelPipeline pipeline) {
        if (pipeline.get(RequestDeadline.WATCH) != null) {
            pipeline.remove(RequestDeadline.WATCH);
        }
        if (pipeline.get(RequestDeadline.NAME) == deadline) {
            pipeline.remove(deadline);
        }
    }

    /**
     * Passes the first bytes on one at a time until Vert.x has chosen HTTP/1 or HTTP/2 (at most the 24 bytes of the
     * HTTP/2 preface): one byte is never a line its HTTP/1 decoder could refuse, so the JSON invalid-request handler
     * is in place before the decoder sees a whole request line. On HTTP/2 (prior knowledge) the guard steps aside and
     * Vert.x's own idle timeout applies. {@code ctx} is the guard's.
     */
    void decide(ChannelHandlerContext ctx, ByteBuf bytes) {
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
}
