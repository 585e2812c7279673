package dev.zeusd.http;

import java.util.Optional;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/** Which Vert.x event loop the calling thread serves, if any. */
public final class EventLoops {
    private EventLoops() {
    }

    /**
     * The event loop's own context. Quarkus wraps each request in a duplicated context with an identity of its own,
     * so grouping work by the current context would make one group per request; the unwrapped context (Vert.x
     * internal API, the only way to it) is the loop itself.
     */
    public static Optional<Context> current() {
        return Optional.ofNullable((ContextInternal) Vertx.currentContext()).map(ContextInternal::unwrap);
    }
}
