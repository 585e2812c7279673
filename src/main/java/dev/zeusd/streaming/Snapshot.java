package dev.zeusd.streaming;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One published set of readings. Subscribers that ask for the same devices share one rendering, so a thousand
 * clients of the same stream cost one JSON serialisation per event, not a thousand.
 */
public final class Snapshot<R> {
    private final long timestampMs;
    private final R readings;
    private final Map<Set<Integer>, String> renderings = new ConcurrentHashMap<>();

    Snapshot(long timestampMs, R readings) {
        this.timestampMs = timestampMs;
        this.readings = readings;
    }

    public long timestampMs() {
        return timestampMs;
    }

    public R readings() {
        return readings;
    }

    public String render(Set<Integer> ids, Function<Set<Integer>, String> renderer) {
        return renderings.computeIfAbsent(ids, renderer);
    }
}
