package dev.zeusd.http;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Strict checks on the request head, before every other route: only HTTP/1.0 and 1.1 are served (Vert.x answers
 * {@code HTTP/9.9} as if it were 1.1), a query must be well-formed percent-encoding (it would otherwise fail deep in
 * parameter decoding), and no parameter may carry a control character ({@code power_limit_mw=200000%00}).
 */
@Singleton
public class RequestHeadCheck {
    static final String MALFORMED_QUERY = "Malformed percent-encoding in the query string.";
    static final String CONTROL_CHARACTER = "Control characters are not allowed in query parameters.";
    static final long MAX_BODY_BYTES = 1024;
    static final String UNSUPPORTED_VERSION = "HTTP version not supported: zeusd serves HTTP/1.0 and HTTP/1.1.";

    private final MalformedRequests malformed;

    @Inject
    public RequestHeadCheck(MalformedRequests malformed) {
        this.malformed = malformed;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext context) {
        if (context.request().version() == null) { // Vert.x maps every version but 1.0 and 1.1 to null
            malformed.count(505, "HTTP version");
            JsonErrors.endAndClose(context, 505, UNSUPPORTED_VERSION);
            return;
        }
        if (declaresABody(context)) {
            malformed.count(413, "request body");
            JsonErrors.endAndClose(context, 413, HttpLayerErrors.MESSAGES.get(413));
            return;
        }
        String query = context.request().query();
        if (query == null) {
            context.next();
        } else if (!wellFormed(query)) {
            malformed.count(400, "percent-encoding");
            JsonErrors.end(context, 400, MALFORMED_QUERY);
        } else if (hasControlCharacter(query)) {
            malformed.count(400, "control character");
            JsonErrors.end(context, 400, CONTROL_CHARACTER);
        } else {
            context.next();
        }
    }

    /**
     * The API takes no bodies. Quarkus's own limit ({@code quarkus.http.limits.max-body-size}, set above this one)
     * refuses larger declared bodies before routing, with an empty 413; this answers first, in JSON.
     */
    private static boolean declaresABody(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        try {
            return length != null && Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false; // Netty refuses malformed lengths itself
        }
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

    /** C0, DEL or C1 in any name or value, once decoded. */
    static boolean hasControlCharacter(String wellFormedQuery) {
        Map<String, List<String>> params = new QueryStringDecoder(wellFormedQuery, false).parameters();
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            if (controlIn(param.getKey()) || param.getValue().stream().anyMatch(RequestHeadCheck::controlIn)) {
                return true;
            }
        }
        return false;
    }

    private static boolean controlIn(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
