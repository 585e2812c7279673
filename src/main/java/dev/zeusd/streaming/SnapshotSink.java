package dev.zeusd.streaming;

import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;

/**
 * A subscriber of whole snapshots (the dialect of zeus ≤ 0.15): one event per round in which any requested device changed,
 * and always one first, as soon as every requested device has a reading.
 */
final class SnapshotSink<R> extends Sink<R, Snapshot<R>> {
    private Snapshot<R> pending;
    private boolean sentAny;

    SnapshotSink(Set<Integer> ids, MultiEmitter<? super Snapshot<R>> emitter, Optional<Context> loop) {
        super(ids, emitter, loop);
    }

    synchronized void start(Snapshot<R> current) {
        if (current.covers(ids)) {
            pending = current;
        }
    }

    @Override
    synchronized boolean offer(Round<R> round) {
        boolean first = !sentAny && pending == null;
        if (round.snapshot().covers(ids) && (first || anyOf(ids, round.changed().keySet()))) {
            pending = round.snapshot(); // replaces an unsent older snapshot
            return true;
        }
        return false;
    }

    @Override
    Snapshot<R> next() {
        Snapshot<R> snapshot = pending;
        if (snapshot != null) {
            pending = null;
            sentAny = true;
        }
        return snapshot;
    }
}
