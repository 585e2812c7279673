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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.DomainSocketAddress;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.DomainSocketServerStart;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;

/**
 * Sees every connection to the daemon's HTTP listeners (the API on TCP or the Unix socket, and the management
 * interface on TCP) the moment it is accepted, and gives it a {@link RequestDeadline}: a request head trickled byte by
 * byte is cut off after the listener's idle timeout (10 s on the API, 30 s on the management port), and the HTTP
 * codec's own refusals (414, 431, a malformed head) get the JSON error body. Requests that arrive whole are served as
 * before: health probes, Prometheus scrapes and the metrics' access rules (ops/MetricsAccess) are untouched.
 * <p>
 * Which listener is which: the API's TCP port is the one Quarkus registers as {@link HttpServer#HTTP_PORT}; the Unix
 * socket is the only domain-socket listener; the management port is {@link HttpServer#MANAGEMENT_PORT} where Quarkus
 * registers it (only when it differs from the configured one: a random test port), else
 * {@code quarkus.management.port} ({@code test-port} in tests). Quarkus fires no event when the management listener
 * binds; it binds it alongside the API listener, so it is looked for when the API listener's event comes, waiting a
 * moment for it, and only when the build has a management interface ({@link ManagementInterface} was fired) and
 * {@code --management-bind-address} is not {@code off}.
 * <p>
 * Why internals: Quarkus creates the Vert.x {@code HttpServer} itself and exposes neither it nor its connections
 * ({@code HttpServer#connectionHandler} and {@code #invalidRequestHandler} can only be set by whoever creates it,
 * before it listens; quarkusio/quarkus#55082). What can be reached is Vert.x's table of listening servers,
 * {@link VertxInternal#sharedHttpServers()}, and from each the Netty server channel it bound (the private field
 * {@code TCPServerBase.bindFuture}, read by reflection: the one non-public access). A handler put first in that
 * channel's pipeline sees each accepted connection before Netty's acceptor initialises it, and puts the guard first in
 * the connection's own pipeline.
 * <p>
 * Self-check: when a listener has started it must be found and hooked, and a connection made to it right then (as a
 * client would) must come out guarded; otherwise one ERROR line says what is missing and the daemon serves on without
 * the guard (as before it existed: Vert.x's idle timeout and empty-bodied codec errors). {@code HostileInputTest},
 * {@code UnixSocketTransportTest} and {@code ManagementHostileInputTest} fail in that case, so a Quarkus or Vert.x
 * upgrade that breaks this is caught by the build.
 */
@Singleton
@RegisterForReflection(targets = TCPServerBase.class, fields = true, methods = false)
public class AcceptedConnections {
    static final String ACCEPT = "zeusd-accept";
    private static final Logger LOG = Logger.getLogger(AcceptedConnections.class);
    /** How long the management listener may take to bind after the API listener (normally milliseconds). */
    private static final long MANAGEMENT_WAIT_NS = 10_000_000_000L;

    private final Vertx vertx;
    private final ValueRegistry values;
    private final HttpLayerErrors errors;
    private final MalformedRequests malformed;
    private final Set<SocketAddress> guarded = ConcurrentHashMap.newKeySet();
    private final AtomicLong guardedConnections = new AtomicLong();
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final Acceptor acceptor = new Acceptor();
    private final AtomicBoolean managementLooked = new AtomicBoolean();
    private volatile boolean managementInterface;

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
        Predicate<SocketAddress> management = managementListening();
        if (stopping()) {
            return;
        }
        guard(listener, isApi);
        if (management != null) {
            guard("management", management);
        }
    }

    /** Fired (before any listener binds) only when the build includes the management interface. */
    void managementRouter(@Observes ManagementInterface management) {
        managementInterface = true;
    }

    /**
     * The management listener (TCP, {@code quarkus.management.*}). Quarkus fires no event when it listens: it binds
     * it alongside the API listener, whose event comes here, so this waits (briefly) for a bound Vert.x server on the
     * management port. That port is the one Quarkus registers when it differs from the configured one (a random test
     * port), else the configured one ({@code quarkus.management.port}, {@code test-port} in tests). Nothing is
     * expected with {@code --management-bind-address off} ({@code quarkus.management.host-enabled=false}).
     */
    private Predicate<SocketAddress> managementListening() {
        Config config = ConfigProvider.getConfig();
        if (!managementInterface
                || !config.getOptionalValue("quarkus.management.host-enabled", Boolean.class).orElse(true)
                || !managementLooked.compareAndSet(false, true)) {
            return null;
        }
        int configured = LaunchMode.current() == LaunchMode.TEST
                ? config.getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001)
                : config.getOptionalValue("quarkus.management.port", Integer.class).orElse(9000);
        IntSupplier port = () -> values.getOrDefault(HttpServer.MANAGEMENT_PORT, configured);
        Predicate<SocketAddress> isManagement = address -> address instanceof InetSocketAddress inet
                && inet.getPort() == port.getAsInt() && inet.getPort() > 0;
        try {
            for (long until = System.nanoTime() + MANAGEMENT_WAIT_NS; System.nanoTime() < until && !stopping()
                    && !bound(isManagement);) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // guard() reports it
        }
        return isManagement;
    }

    /** The local addresses of the listeners whose connections are guarded. */
    Set<SocketAddress> guarded() {
        return Set.copyOf(guarded);
    }

    /** What the self-check found missing, or null. */
    String problem() {
        return problem.get();
    }

    /** Whether a Vert.x HTTP server has bound a channel to such an address. */
    private boolean bound(Predicate<SocketAddress> address) throws ReflectiveOperationException {
        if (vertx instanceof VertxInternal internal) {
            for (HttpServerImpl server : internal.sharedHttpServers().values()) {
                Channel bound = boundChannel(server);
                if (bound != null && address.test(bound.localAddress())) {
                    return true;
                }
            }
        }
        return false;
    }

    synchronized void guard(String listener, Predicate<SocketAddress> isListener) {
        int found = 0;
        List<SocketAddress> hooked = new ArrayList<>();
        try {
            if (!(vertx instanceof VertxInternal internal)) {
                report("Vert.x is not a VertxInternal: " + vertx.getClass().getName());
                return;
            }
            for (HttpServerImpl server : internal.sharedHttpServers().values()) {
                Channel bound = boundChannel(server);
                if (bound != null && isListener.test(bound.localAddress())) {
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
        if (stopping()) {
            // A start that failed after the API listener bound (a taken management port): Quarkus is tearing its
            // beans down under this async observer, and there is nothing left to guard.
            return;
        }
        if (problem.compareAndSet(null, missing)) {
            LOG.errorf("zeusd cannot guard HTTP connections: %s. Requests sent slowly are then held until the idle "
                    + "timeout and the HTTP codec's 414/431/400 answers have no JSON body (a Quarkus or Vert.x "
                    + "upgrade changed what api/AcceptedConnections relies on).", missing);
        }
    }

    private static boolean stopping() {
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
