package dev.zeusd.api;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A query string with a broken percent-escape ({@code gpu_ids=%zz}) would fail deep in parameter decoding; this
 * route runs before all others and answers the contract's JSON 400 instead. Requests that Vert.x Web itself refuses
 * with a 400 before any route runs get the same JSON shape from the router's error handler.
 */
@Singleton
public class QueryEncodingCheck {
    static final String MALFORMED_QUERY = "{\"error\":\"Malformed percent-encoding in the request URI.\"}";
    static final String BAD_REQUEST = "{\"error\":\"Bad request.\"}";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkQuery);
        router.errorHandler(400, this::badRequest);
    }

    void checkQuery(RoutingContext context) {
        String query = context.request().query();
        String path = context.request().path();
        if ((query == null || wellFormed(query)) && (path == null || wellFormed(path))) {
            context.next();
        } else {
            context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(MALFORMED_QUERY);
        }
    }

    void badRequest(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(BAD_REQUEST);
    }

    /** Every {@code %} is followed by two hex digits. */
    static boolean wellFormed(String query) {
        for (int i = query.indexOf('%'); i >= 0; i = query.indexOf('%', i + 3)) {
            if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                    || Character.digit(query.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
