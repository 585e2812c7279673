package dev.zeusd.device.cpu;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The recent samples of one package, so that a one-shot power request can pair a fresh reading with one taken a
 * little earlier instead of waiting. A pair needs at least {@link #MIN_SPAN_NANOS} between its samples (shorter
 * spans magnify the counters' update jitter, about 1 ms) and at most {@link #MAX_AGE_NANOS} (older pairs would
 * average over a stale period).
 */
public final class PowerWindow {
    static final long MIN_SPAN_NANOS = 10_000_000L;
    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final Deque<EnergySample> samples = new ArrayDeque<>();

    void add(EnergySample sample) {
        samples.addLast(sample);
        // Keep the newest sample that is old enough to pair with, and nothing older than that.
        while (samples.size() > 2) {
            Iterator<EnergySample> it = samples.iterator();
            it.next();
            EnergySample second = it.next();
            if (sample.nanos() - second.nanos() >= MIN_SPAN_NANOS) {
                samples.removeFirst();
            } else {
                break;
            }
        }
    }

    /** The newest earlier sample that {@code latest} can be paired with, if any. */
    public Optional<EnergySample> partnerFor(EnergySample latest) {
        Iterator<EnergySample> newestFirst = samples.descendingIterator();
        while (newestFirst.hasNext()) {
            EnergySample candidate = newestFirst.next();
            long span = latest.nanos() - candidate.nanos();
            if (span >= MIN_SPAN_NANOS) {
                return span <= MAX_AGE_NANOS ? Optional.of(candidate) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
