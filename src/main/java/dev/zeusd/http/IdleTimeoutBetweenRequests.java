package dev.zeusd.http;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code quarkus.http.idle-timeout} is short (application.properties), so a connection that sends garbage, half a
 * request head, or nothing at all is closed within seconds instead of being held for 30 minutes. A request being
 * served is exempt: a power stream may stay silent while readings do not change and a {@code block=true} control call
 * may wait on a slow override command. So Vert.x's idle handler is taken off the connection while a request is served
 * and put back when its response ends. (Vert.x offers no public hook for this; its pipeline names the handler "idle".)
 * <p>
 * This is the fallback: on a connection {@link AcceptedConnections} guards, {@link RequestDeadline} has replaced the
 * idle handler (it also bounds a head sent byte by byte, which restarts an idle timer) and this finds nothing to do
 * (one pipeline lookup). It stays for the connections without that guard: those accepted at startup before the
 * listener was hooked, and all of them should the guard not install after an upgrade; there it keeps streams and slow
 * control calls from being cut.
 */
@Singleton
public class IdleTimeoutBetweenRequests {
    private static final String IDLE = VertxPipelineTakeover.VERTX_IDLE;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::suspendWhileServing);
    }

    void suspendWhileServing(RoutingContext context) {
        if (context.request().connection() instanceof ConnectionBase connection) {
            Channel channel = connection.channel();
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(IDLE) instanceof IdleStateHandler idle) {
                long timeoutMs = idle.getAllIdleTimeInMillis();
                pipeline.remove(IDLE);
                context.addEndHandler(ended -> {
                    if (channel.isActive() && pipeline.get(IDLE) == null) {
                        pipeline.addFirst(IDLE, new IdleStateHandler(0, 0, timeoutMs, TimeUnit.MILLISECONDS));
                    }
                });
            }
        }
        context.next();
    }
}
