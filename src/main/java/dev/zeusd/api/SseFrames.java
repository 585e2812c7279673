package dev.zeusd.api;

import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Multi;

/**
 * Power streams write their Server-Sent-Event bytes themselves: {@code data: <json>\n\n} per event, several events of
 * one polling round in one write.
 * <p>
 * Why not quarkus-rest's SSE writer: it frames every item as its own event and its own write, and splits any
 * multi-line text into {@code data:} lines, so a round of four GPU samples cost four writes per subscriber: with many
 * subscribers that cost over twice the CPU of one write per round (docs/performance.md). The endpoints therefore
 * declare a non-SSE type, which quarkus-rest streams chunk by chunk as given, and set {@code Content-Type:
 * text/event-stream} on the response; {@link SseAcceptFilter} lets clients that send {@code Accept: text/event-stream}
 * (browsers' EventSource) reach them.
 */
final class SseFrames {
    /** What the stream endpoints declare to quarkus-rest; clients see text/event-stream. */
    static final String DECLARED_TYPE = "application/octet-stream";
    static final String EVENT_STREAM = "text/event-stream";

    private SseFrames() {
    }

    /** One event: exactly the bytes the Zeus clients split on. */
    static String frame(String json) {
        return "data: " + json + "\n\n";
    }

    static RestMulti<String> response(Multi<String> frames) {
        return RestMulti.fromMultiData(frames)
                .header(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
    }
}
