package dev.zeusd.api;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.DomainSocketAddress;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.DomainSocketServerStart;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;

/**
 * Sees every connection to the API listeners (TCP and the Unix socket) the moment it is accepted, and gives it a
 * {@link RequestDeadline}: a request head trickled byte by byte is cut off after 10 s, and the HTTP codec's own
 * refusals (414, 431, a malformed head) get the JSON error body.
 * <p>
 * Why internals: Quarkus creates the Vert.x {@code HttpServer} itself and exposes neither it nor its connections
 * ({@code HttpServer#connectionHandler} and {@code #invalidRequestHandler} can only be set by whoever creates it,
 * before it listens; quarkusio/quarkus#55082). What can be reached is Vert.x's table of listening servers,
 * {@link VertxInternal#sharedHttpServers()}, and from each the Netty server channel it bound (the private field
 * {@code TCPServerBase.bindFuture}, read by reflection: the one non-public access). A handler put first in that
 * channel's pipeline sees each accepted connection before Netty's acceptor initialises it, and puts the guard first in
 * the connection's own pipeline.
 * <p>
 * Self-check: when an API listener has started it must be found and hooked, and a connection made to it right then
 * (as a client would) must come out guarded; otherwise one ERROR line says what is missing and the daemon serves on
 * without the guard (as before it existed: Vert.x's idle timeout and empty-bodied codec errors). {@code
 * HostileInputTest} and {@code UnixSocketTransportTest} fail in that case, so a Quarkus or Vert.x upgrade that breaks
 * this is caught by the build.
 */
@Singleton
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
public class AcceptedConnections {
    static final String ACCEPT = "zeusd-accept";
    private static final Logger LOG = Logger.getLogger(AcceptedConnections.class);

    private final Vertx vertx;
    private final ValueRegistry values;
    private final HttpLayerErrors errors;
    private final MalformedRequests malformed;
    private final Set<SocketAddress> guarded = ConcurrentHashMap.newKeySet();
    private final AtomicLong guardedConnections = new AtomicLong();
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final Acceptor acceptor = new Acceptor();

    @Inject
    public AcceptedConnections(Vertx vertx, ValueRegistry values, HttpLayerErrors errors, MalformedRequests malformed) {
        this.vertx = vertx;
        this.values = values;
        this.errors = errors;
        this.malformed = malformed;
    }

    void tcpListening(@ObservesAsync HttpServerStart started) {
        List<Integer> apiPorts = List.of(values.getOrDefault(HttpServer.HTTP_PORT, -1),
                values.getOrDefault(HttpServer.HTTP_TEST_PORT, -1));
        guard("TCP", address -> address instanceof InetSocketAddress inet && apiPorts.contains(inet.getPort()));
    }

    void socketListening(@ObservesAsync DomainSocketServerStart started) {
        guard("Unix socket", address -> address instanceof DomainSocketAddress); // the management port is TCP only
    }

    /** The local addresses of the listeners whose connections are guarded. */
    Set<SocketAddress> guarded() {
        return Set.copyOf(guarded);
    }

    /** What the self-check found missing, or null. */
    String problem() {
        return problem.get();
    }

    synchronized void guard(String listener, Predicate<SocketAddress> isApi) {
        int found = 0;
        List<SocketAddress> hooked = new ArrayList<>();
        try {
            if (!(vertx instanceof VertxInternal internal)) {
                report("Vert.x is not a VertxInternal: " + vertx.getClass().getName());
                return;
            }
            for (HttpServerImpl server : internal.sharedHttpServers().values()) {
                Channel bound = boundChannel(server);
                if (bound != null && isApi.test(bound.localAddress())) {
                    found++;
                    if (bound.pipeline().get(ACCEPT) == null) {
                        bound.pipeline().addFirst(ACCEPT, acceptor);
                        hooked.add(bound.localAddress());
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            report("cannot reach the listening channel (" + e + ")");
            return;
        }
        if (found == 0) {
            report("no " + listener + " API listener among Vert.x's HTTP servers");
        }
        for (SocketAddress address : hooked) {
            probe(address);
            guarded.add(address);
            LOG.debugf("Guarding connections to %s", address);
        }
    }

    /** {@code TCPServerBase.bindFuture}: the Netty server channel, once bound. */
    private static Channel boundChannel(TCPServerBase server) throws ReflectiveOperationException {
        Field field = TCPServerBase.class.getDeclaredField("bindFuture");
        field.setAccessible(true);
        if (field.get(server) instanceof io.vertx.core.Future<?> bind && bind.succeeded()
                && bind.result() instanceof Channel channel) {
            return channel;
        }
        return null;
    }

    private void report(String missing) {
        if (problem.compareAndSet(null, missing)) {
            LOG.errorf("zeusd cannot guard API connections: %s. Requests sent slowly are then held until the idle "
                    + "timeout and the HTTP codec's 414/431/400 answers have no JSON body (a Quarkus or Vert.x "
                    + "upgrade changed what api/AcceptedConnections relies on).", missing);
        }
    }

    private RequestDeadline newGuard() {
        return new RequestDeadline(errors::invalidRequest, this::report,
                () -> malformed.count(408, "request not received in time"), guardedConnections::incrementAndGet);
    }

    /**
     * The self-check's second half: connects to the listener the way a client would and waits for that connection
     * to be guarded (any guarded connection will do).
     */
    private void probe(SocketAddress listener) {
        long before = guardedConnections.get();
        try (SocketChannel ignored = SocketChannel.open(reachable(listener))) {
            for (int i = 0; i < 200 && guardedConnections.get() == before; i++) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            LOG.debugf("Self-check could not connect to %s: %s", listener, e);
            return; // the readiness probe reports an unreachable listener
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (guardedConnections.get() == before) {
            report("a connection accepted on " + listener + " was not guarded");
        }
    }

    private static SocketAddress reachable(SocketAddress bound) {
        if (bound instanceof DomainSocketAddress socket) {
            return UnixDomainSocketAddress.of(socket.path());
        }
        InetSocketAddress inet = (InetSocketAddress) bound;
        return inet.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), inet.getPort()) : inet;
    }

    /** First in the listening channel's pipeline: its messages are the accepted connections. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel connection) {
                connection.pipeline().addFirst(RequestDeadline.NAME, newGuard());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
