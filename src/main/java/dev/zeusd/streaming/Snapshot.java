package dev.zeusd.streaming;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The latest reading of every polled device after one polling round: the event shape of zeus ≤ 0.15. Subscribers that ask
 * for the same devices share one rendering, so a thousand clients of the same stream cost one serialisation per
 * event.
 */
public final class Snapshot<R> {
    private final long timestampMs;
    private final SortedMap<Integer, R> readings;
    private final Map<Set<Integer>, String> renderings = new ConcurrentHashMap<>();

    Snapshot(long timestampMs, SortedMap<Integer, R> readings) {
        this.timestampMs = timestampMs;
        this.readings = readings;
    }

    public long timestampMs() {
        return timestampMs;
    }

    /** Every polled device's latest reading; a subscriber renders only the ids it asked for. */
    public SortedMap<Integer, R> readings() {
        return readings;
    }

    boolean covers(Set<Integer> ids) {
        return readings.keySet().containsAll(ids);
    }

    public String render(Set<Integer> ids, Function<Set<Integer>, String> renderer) {
        return renderings.computeIfAbsent(ids, renderer);
    }
}
