package dev.zeusd.http;

import java.lang.reflect.Field;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.netty.channel.Channel;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;

/**
 * The Netty server channels that Vert.x's HTTP servers have bound, which {@link AcceptedConnections} hooks. Quarkus
 * exposes neither the Vert.x {@code HttpServer} it creates nor its connections; what can be reached is Vert.x's table
 * of listening servers, {@link VertxInternal#sharedHttpServers()}, and from each the channel it bound: the private
 * field {@code TCPServerBase.bindFuture}, read by reflection (the one non-public access, kept here with its
 * registration for native images).
 */
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
final class ListeningChannels {
    private ListeningChannels() {
    }

    /** The channels bound so far, in the order of Vert.x's table. */
    static List<Channel> of(VertxInternal vertx) throws ReflectiveOperationException {
        List<Channel> channels = new ArrayList<>();
        for (HttpServerImpl server : vertx.sharedHttpServers().values()) {
            Channel bound = boundChannel(server);
            if (bound != null) {
                channels.add(bound);
            }
        }
        return channels;
    }

    /** Whether a Vert.x HTTP server has bound a channel to such an address. */
    static boolean bound(Vertx vertx, Predicate<SocketAddress> address) throws ReflectiveOperationException {
        if (vertx instanceof VertxInternal internal) {
            for (Channel bound : of(internal)) {
                if (address.test(bound.localAddress())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code TCPServerBase.bindFuture}: the Netty server channel, once bound. */
    private static Channel boundChannel(TCPServerBase server) throws ReflectiveOperationException {
        Field field = TCPServerBase.class.getDeclaredField("bindFuture");
        field.setAccessible(true);
        if (field.get(server) instanceof Future<?> bind && bind.succeeded()
                && bind.result() instanceof Channel channel) {
            return channel;
        }
        return null;
    }
}
