package dev.zeusd.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Vertx;

/**
 * Finds the management listener (TCP, {@code quarkus.management.*}) for {@link AcceptedConnections}. Quarkus fires no
 * event when it listens: it binds it alongside the API listener, so this is asked when the API listener's event comes
 * and waits (briefly) for a bound Vert.x server on the management port. That port is the one Quarkus registers as
 * {@link HttpServer#MANAGEMENT_PORT} when it differs from the configured one (a random test port), else the configured
 * one ({@code quarkus.management.port}, {@code test-port} in tests). Nothing is expected when the build has no
 * management interface ({@link ManagementInterface} was not fired) or with {@code --management-bind-address off}
 * ({@code quarkus.management.host-enabled=false}).
 */
@Singleton
public class ManagementListener {
    /** How long the management listener may take to bind after the API listener (normally milliseconds). */
    private static final long WAIT_NS = 10_000_000_000L;

    private final Vertx vertx;
    private final ValueRegistry values;
    private final AtomicBoolean looked = new AtomicBoolean();
    private volatile boolean managementInterface;

    @Inject
    public ManagementListener(Vertx vertx, ValueRegistry values) {
        this.vertx = vertx;
        this.values = values;
    }

    /** Fired (before any listener binds) only when the build includes the management interface. */
    void managementRouter(@Observes ManagementInterface management) {
        managementInterface = true;
    }

    /**
     * The management listener's address, once it is bound or the wait is over (hooking it then reports it missing);
     * null when none is expected, when interrupted, or on every call but the first.
     */
    Predicate<SocketAddress> awaitBound() {
        Config config = ConfigProvider.getConfig();
        if (!managementInterface
                || !config.getOptionalValue("quarkus.management.host-enabled", Boolean.class).orElse(true)
                || !looked.compareAndSet(false, true)) {
            return null;
        }
        int configured = LaunchMode.current() == LaunchMode.TEST
                ? config.getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001)
                : config.getOptionalValue("quarkus.management.port", Integer.class).orElse(9000);
        IntSupplier port = () -> values.getOrDefault(HttpServer.MANAGEMENT_PORT, configured);
        Predicate<SocketAddress> isManagement = address -> address instanceof InetSocketAddress inet
                && inet.getPort() == port.getAsInt() && inet.getPort() > 0;
        try {
            for (long until = System.nanoTime() + WAIT_NS; System.nanoTime() < until && !AcceptedConnections.stopping()
                    && !ListeningChannels.bound(vertx, isManagement);) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // AcceptedConnections.guard reports it
        }
        return isManagement;
    }
}
