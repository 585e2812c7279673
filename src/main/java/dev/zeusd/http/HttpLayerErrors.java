package dev.zeusd.http;

import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.VertxException;


import io.vertx.core.http.HttpServerRequest;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * JSON for the errors the HTTP layer produces below JAX-RS (Vert.x Web and Quarkus): requests no route takes, bodies
 * over the limit, a missing {@code Host}, a path that cannot be decoded. Without this Quarkus answers some with an
 * empty body and the rest with its error page, logging each at ERROR: a log volume the client would choose. Client
 * mistakes are logged at DEBUG and counted (see {@link MalformedRequests}); only genuine faults are ERROR.
 */
@Singleton
public class HttpLayerErrors {
    private static final Logger LOG = Logger.getLogger(HttpLayerErrors.class);
    static final Map<Integer, String> MESSAGES = Map.of(
            400, "Bad request.",
            404, "no such endpoint",
            405, "Method not allowed.",
            413, "Request body too large: zeusd takes no request bodies.",
            414, "Request line too long.",
            431, "Request headers too large.",
            500, "Internal server error.",
            501, "Not implemented.");
    static final String MALFORMED_HEAD = "Malformed request: the request line or the headers are not valid HTTP/1.1.";

    private final MalformedRequests malformed;

    @jakarta.inject.Inject
    public HttpLayerErrors(MalformedRequests malformed) {
        this.malformed = malformed;
    }

    void install(@Observes Router router) {
        // Before Quarkus's own failure handler (route().last()), which renders its error page.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        MESSAGES.keySet().forEach(status -> router.errorHandler(status, this::unhandled));
    }

    void failed(RoutingContext context) {
        Throwable failure = context.failure();
        if (isSecurity(failure)) {
            context.next(); // the 401 challenge and 403 belong to Quarkus security and api/AuthErrorMappers
            return;
        }
        if (context.request().version() == null) { // refused before RequestHeadCheck ran (e.g. PRI * HTTP/2.0, no Host)
            malformed.count(505, "HTTP version");
            JsonErrors.endAndClose(context, 505, RequestHeadCheck.UNSUPPORTED_VERSION);
            return;
        }
        int status = undecodablePath(context, failure) || isVertxRejection(failure) ? 400
                : context.statusCode() > 0 ? context.statusCode()
                : failure instanceof HttpException http ? http.getStatusCode() : 500;
        if (status >= 500) {
            LOG.errorf(failure, "Internal error on %s %s", context.request().method(), context.request().path());
            JsonErrors.end(context, status, MESSAGES.get(500));
            return;
        }
        malformed.count(status, describe(failure));
        JsonErrors.endAndClose(context, status, message(status, failure));
    }

    void unhandled(RoutingContext context) {
        int status = context.statusCode() > 0 ? context.statusCode() : 500;
        if (status < 500) {
            malformed.count(status, "no handler");
        }
        String message = status == 404 ? noSuchEndpoint(context.request().method().name(), context.request().path())
                : MESSAGES.getOrDefault(status, MESSAGES.get(status < 500 ? 400 : 500));
        JsonErrors.end(context, status, message);
    }

    /** The one text of a 404 for a path no route or resource serves, on either listener. */
    public static String noSuchEndpoint(String method, String path) {
        return MESSAGES.get(404) + ": " + method + " " + path;
    }

    /**
     * Requests Vert.x's HTTP/1 decoder refused before any route (set per connection by {@link RequestDeadline}, on the
     * API and the management listener): the request line over {@code quarkus.http.limits.max-initial-line-length}
     * (414), headers over {@code max-header-size} (431; {@code quarkus.management.limits.*} on the management port),
     * or a head it cannot parse (400). Same statuses as Vert.x's default handler, with
     * the JSON body it leaves out; the connection is closed, as the decoder reads nothing more from it.
     */
    void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof TooLongHttpLineException ? 414
                : cause instanceof TooLongHttpHeaderException ? 431 : 400;
        malformed.count(status, describe(cause));
        String message = status == 400 ? MALFORMED_HEAD : MESSAGES.get(status);
        JsonErrors.endAndClose(request, status, message);
    }

    /** Vert.x Web decodes the path before any route runs; a broken escape there ends up here. */
    private static boolean undecodablePath(RoutingContext context, Throwable failure) {
        String uri = context.request().uri();
        int query = uri.indexOf('?');
        return failure instanceof IllegalArgumentException
                && !RequestHeadCheck.wellFormed(query < 0 ? uri : uri.substring(0, query));
    }

    private static String message(int status, Throwable failure) {
        if (failure instanceof IllegalArgumentException) {
            return "Malformed percent-encoding in the path."; // Vert.x's path normalisation refused it
        }
        if (isVertxRejection(failure)) {
            return "Bad request: " + failure.getMessage(); // a fixed sentence of Vert.x Web's, never the input
        }
        return MESSAGES.getOrDefault(status, MESSAGES.get(400));
    }

    /** Vert.x Web's own refusals (a missing Host header) are plain VertxExceptions with a fixed message. */
    private static boolean isVertxRejection(Throwable failure) {
        return failure != null && failure.getClass() == VertxException.class && failure.getMessage() != null;
    }

    private static boolean isSecurity(Throwable failure) {
        return failure instanceof AuthenticationException || failure instanceof UnauthorizedException
                || failure instanceof ForbiddenException;
    }

    private static String describe(Throwable failure) {
        return failure == null ? "no detail" : failure.getClass().getSimpleName();
    }
}
