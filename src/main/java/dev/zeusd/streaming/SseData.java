package dev.zeusd.streaming;

/**
 * The Zeus client reads only lines that start with {@code "data: "} (with the space) and splits events on a blank
 * line. Quarkus's SSE writer frames each event as {@code "data:" + text + "\n\n"}, without the space, so the space
 * is the first character of our text. The framing test pins the resulting bytes.
 */
final class SseData {
    private SseData() {
    }

    static String of(String json) {
        return " " + json;
    }
}
