package dev.zeusd.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The contract's {@code {"error": "..."}} body for answers given below JAX-RS, on the Vert.x router. */
final class JsonErrors {
    private JsonErrors() {
    }

    static void end(RoutingContext context, int status, String message) {
        if (!context.response().ended()) {
            context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("error", message).encode());
        }
    }

    /** For requests whose framing is in doubt: answer, then close the connection instead of reading on. */
    static void endAndClose(RoutingContext context, int status, String message) {
        context.response().putHeader(HttpHeaders.CONNECTION, "close");
        end(context, status, message);
    }
}
