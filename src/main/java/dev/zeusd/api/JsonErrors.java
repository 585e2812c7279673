package dev.zeusd.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The contract's {@code {"error": "..."}} body for answers given below JAX-RS, on the Vert.x router. */
final class JsonErrors {
    private JsonErrors() {
    }

    static void end(RoutingContext context, int status, String message) {
        send(context, status, message);
    }

    /**
     * For requests whose framing is in doubt: answer, then close the connection instead of reading on. (Vert.x keeps
     * an HTTP/1.1 connection open after a response that says {@code Connection: close}, so it is closed here.)
     */
    static void endAndClose(RoutingContext context, int status, String message) {
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        Future<Void> sent = send(context, status, message);
        if (sent != null) {
            sent.onComplete(done -> context.request().connection().close());
        }
    }

    private static Future<Void> send(RoutingContext context, int status, String message) {
        if (context.response().ended()) {
            return null;
        }
        return context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
