package dev.zeusd.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The contract's {@code {"error": "..."}} body for answers given below JAX-RS, on the Vert.x router. */
final class JsonErrors {
    private JsonErrors() {
    }

    static void end(RoutingContext context, int status, String message) {
        send(context.response(), status, message);
    }

    /**
     * For requests whose framing is in doubt: answer, then close the connection instead of reading on. (Vert.x keeps
     * an HTTP/1.1 connection open after a response that says {@code Connection: close}, so it is closed here.)
     */
    static void endAndClose(RoutingContext context, int status, String message) {
        endAndClose(context.request(), status, message);
    }

    /** As above, for a request no route saw (one that Vert.x's HTTP decoder refused). */
    static void endAndClose(HttpServerRequest request, int status, String message) {
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        Future<Void> sent = send(request.response(), status, message);
        if (sent != null) {
            sent.onComplete(done -> request.connection().close());
        }
    }

    /** Vert.x leaves the body out of an answer to HEAD by itself. */
    private static Future<Void> send(HttpServerResponse response, int status, String message) {
        if (response.ended()) {
            return null;
        }
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
