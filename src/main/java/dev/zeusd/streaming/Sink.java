package dev.zeusd.streaming;

import java.util.Optional;
import java.util.Set;

import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;

/**
 * One subscriber's side of a feed. The feed offers it each round; it keeps only what it has not sent yet, newest
 * per device, and emits only as much as the connection requested: quarkus-rest requests the next event once the
 * previous write completed, so a stalled client holds a few readings, never a backlog, and never slows the others.
 */
abstract class Sink<R, E> {
    final Set<Integer> ids;
    /** The event loop the connection lives on (absent outside Vert.x, e.g. in unit tests). */
    final Optional<Context> loop;
    private final MultiEmitter<? super E> emitter;

    Sink(Set<Integer> ids, MultiEmitter<? super E> emitter, Optional<Context> loop) {
        this.ids = ids;
        this.emitter = emitter;
        this.loop = loop;
        emitter.onRequest(ignored -> drain());
    }

    /** Takes what concerns this subscriber from a round; returns whether there is something new to send. */
    abstract boolean offer(Round<R> round);

    /** The next event to send, or null; removes it from what is pending. Called with this sink locked. */
    abstract E next();

    /**
     * Sends what is pending, as far as requested. Runs on the connection's event loop only (so emits never race);
     * the lock is not held while emitting, because a failed write ends the subscription and detaches it from the
     * feed, which takes the feed's lock, and the feed offers rounds to sinks while holding it.
     */
    final void drain() {
        while (emitter.requested() > 0 && !emitter.isCancelled()) {
            E event;
            synchronized (this) {
                event = next();
            }
            if (event == null) {
                return;
            }
            emitter.emit(event);
        }
    }

    final void complete() {
        emitter.complete();
    }

    static boolean anyOf(Set<Integer> ids, Set<Integer> changed) {
        for (Integer id : changed) {
            if (ids.contains(id)) {
                return true;
            }
        }
        return false;
    }
}
