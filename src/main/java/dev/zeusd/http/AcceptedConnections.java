package dev.zeusd.http;

import java.io.IOException;
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
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.DomainSocketServerStart;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Sees every connection to the daemon's HTTP listeners (the API on TCP or the Unix socket, and the management
 * interface on TCP) the moment it is accepted, and gives it a {@link RequestDeadline}: a request head trickled byte by
 * byte is cut off after the listener's idle timeout (10 s on the API, 30 s on the management port), and the HTTP
 * codec's own refusals (414, 431, a malformed head) get the JSON error body. Requests that arrive whole are served as
 * before: health probes, Prometheus scrapes and the metrics' access rules (ops/MetricsAccess) are untouched.
 * <p>
 * Which listener is which: the API's TCP port is the one Quarkus registers as {@link HttpServer#HTTP_PORT}; the Unix
 * socket is the only domain-socket listener; the management listener is the one {@link ManagementListener} finds,
 * once it is bound too.
 * <p>
 * Why internals: Quarkus creates the Vert.x {@code HttpServer} itself and exposes neither it nor its connections
 * ({@code HttpServer#connectionHandler} and {@code #invalidRequestHandler} can only be set by whoever creates it,
 * before it listens; quarkusio/quarkus#55082). What can be reached is the Netty server channel each listener bound
 * ({@link ListeningChannels}). A handler put first in that channel's pipeline sees each accepted connection before
 * Netty's acceptor initialises it, and puts the guard first in the connection's own pipeline.
 * <p>
 * Self-check: when a listener has started it must be found and hooked, and a connection made to it right then (as a
 * client would) must come out guarded; otherwise one ERROR line says what is missing and the daemon serves on without
 * the guard (as before it existed: Vert.x's idle timeout and empty-bodied codec errors). {@code HostileInputTest},
 * {@code UnixSocketTransportTest} and {@code ManagementHostileInputTest} fail in that case, so a Quarkus or Vert.x
 * upgrade that breaks this is caught by the build.
 */
@Singleton
public class AcceptedConnections {
    static final String ACCEPT = "zeusd-accept";
    private static final Logger LOG = Logger.getLogger(AcceptedConnections.class);

    private final Vertx vertx;
    private final ValueRegistry values;
    private final ManagementListener managementListener;
    private final HttpLayerErrors errors;
    private final MalformedRequests malformed;
    private final Set<SocketAddress> guarded = ConcurrentHashMap.newKeySet();
    private final AtomicLong guardedConnections = new AtomicLong();
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final Acceptor acceptor = new Acceptor();

    @Inject
    public AcceptedConnections(Vertx vertx, ValueRegistry values, ManagementListener managementListener,
            HttpLayerErrors errors, MalformedRequests malformed) {
        this.vertx = vertx;
        this.values = values;
        this.managementListener = managementListener;
        this.errors = errors;
        this.malformed = malformed;
    }

    void tcpListening(@ObservesAsync HttpServerStart started) {
        List<Integer> apiPorts = List.of(values.getOrDefault(HttpServer.HTTP_PORT, -1),
                values.getOrDefault(HttpServer.HTTP_TEST_PORT, -1));
        guardWithManagement("TCP API",
                address -> address instanceof InetSocketAddress inet && apiPorts.contains(inet.getPort()));
    }

    void socketListening(@ObservesAsync DomainSocketServerStart started) {
        guardWithManagement("Unix socket API", address -> address instanceof DomainSocketAddress); // management: TCP
    }

    /**
     * Hooks the API listener and, when one is expected, the management listener, but only once the management
     * listener is bound too: when its bind fails (a taken port) Quarkus stops at once, and a self-check connection
     * made meanwhile would meet an event loop that is shutting down.
     */
    private void guardWithManagement(String listener, Predicate<SocketAddress> isApi) {
        Predicate<SocketAddress> management = managementListener.awaitBound();
        if (stopping()) {
            return;
        }
        guard(listener, isApi);
        if (management != null) {
            guard("management", management);
        }
    }

    /** The local addresses of the listeners whose connections are guarded. */
    Set<SocketAddress> guarded() {
        return Set.copyOf(guarded);
    }

    /** What the self-check found missing, or null. */
    String problem() {
        return problem.get();
    }

    synchronized void guard(String listener, Predicate<SocketAddress> isListener) {
        int found = 0;
        List<SocketAddress> hooked = new ArrayList<>();
        try {
            if (!(vertx instanceof VertxInternal internal)) {
                report("Vert.x is not a VertxInternal: " + vertx.getClass().getName());
                return;
            }
            for (Channel bound : ListeningChannels.of(internal)) {
                if (isListener.test(bound.localAddress())) {
                    found++;
                    if (bound.pipeline().get(ACCEPT) == null) {
                        bound.pipeline().addFirst(ACCEPT, acceptor);
                        // Added from this thread, the handler takes effect once the channel's event loop has run
                        // the task that adds it; a connection accepted before that passes it by (the self-check's
                        // probe, connecting at once, did). An empty task queued after it marks that moment.
                        bound.eventLoop().submit(() -> {
                        }).awaitUninterruptibly(1000);
                        hooked.add(bound.localAddress());
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            report("cannot reach the listening channel (" + e + ")");
            return;
        }
        if (found == 0) {
            report("no " + listener + " listener among Vert.x's HTTP servers");
        }
        for (SocketAddress address : hooked) {
            probe(address);
            guarded.add(address);
            LOG.debugf("Guarding connections to %s", address);
        }
    }

    private void report(String missing) {
        if (stopping()) {
            // A start that failed after the API listener bound (a taken management port): Quarkus is tearing its
            // beans down under this async observer, and there is nothing left to guard.
            return;
        }
        if (problem.compareAndSet(null, missing)) {
            LOG.errorf("zeusd cannot guard HTTP connections: %s. Requests sent slowly are then held until the idle "
                    + "timeout and the HTTP codec's 414/431/400 answers have no JSON body (a Quarkus or Vert.x "
                    + "upgrade changed what http/AcceptedConnections relies on).", missing);
        }
    }

    /** Quarkus is stopping (or has not started): nothing to guard, and nothing to report. */
    static boolean stopping() {
        ArcContainer container = Arc.container();
        return container == null || !container.isRunning();
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
