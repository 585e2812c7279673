package dev.zeusd.streaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;

/**
 * A subscriber of per-device events (the current Zeus dialect): one event per changed device sample. What is
 * pending goes out as one batch, so a round that changed four GPUs costs the connection one write, not four.
 */
final class DeviceSink<R> extends Sink<R, List<Sample<R>>> {
    private final Map<Integer, Sample<R>> pending = new LinkedHashMap<>();

    DeviceSink(Set<Integer> ids, MultiEmitter<? super List<Sample<R>>> emitter, Optional<Context> loop) {
        super(ids, emitter, loop);
    }

    /** The latest sample of each requested device that has one, before anything else. */
    synchronized void start(Map<Integer, Sample<R>> latest) {
        latest.forEach((id, sample) -> {
            if (ids.contains(id)) {
                pending.put(id, sample);
            }
        });
    }

    @Override
    synchronized boolean offer(Round<R> round) {
        boolean any = false;
        for (Map.Entry<Integer, Sample<R>> change : round.changed().entrySet()) {
            if (ids.contains(change.getKey())) {
                pending.put(change.getKey(), change.getValue()); // replaces an unsent older sample of that device
                any = true;
            }
        }
        return any;
    }

    @Override
    List<Sample<R>> next() {
        if (pending.isEmpty()) {
            return null;
        }
        List<Sample<R>> batch = List.copyOf(pending.values());
        pending.clear();
        return batch;
    }
}
