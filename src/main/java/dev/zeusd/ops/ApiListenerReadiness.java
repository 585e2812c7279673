package dev.zeusd.ops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;

/**
 * Ready only while the API listener accepts connections: the probe connects to it the way a client would (the Unix
 * socket file, or the TCP port Vert.x actually bound). Vert.x binds after the startup event, so "started" alone
 * would report ready too early, and a deleted socket file would go unnoticed.
 */
@Readiness
@Singleton
public class ApiListenerReadiness implements HealthCheck {
    private final Config config;
    private final ValueRegistry values;
    private final ReadinessRecord record;

    @Inject
    public ApiListenerReadiness(Config config, ValueRegistry values, ReadinessRecord record) {
        this.record = record;
        this.config = config;
        this.values = values;
    }

    @Override
    public HealthCheckResponse call() {
        return record.remember(check());
    }

    private HealthCheckResponse check() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("api-listener");
        SocketAddress target = listenerAddress();
        if (target == null) {
            return response.down().withData("reason", "not bound yet").build();
        }
        response.withData("address", describe(target));
        try (SocketChannel ignored = SocketChannel.open(target)) {
            return response.up().build();
        } catch (IOException e) {
            return response.down().withData("reason", "connect failed: " + e.getMessage()).build();
        }
    }

    private SocketAddress listenerAddress() {
        if (config.getOptionalValue("quarkus.http.domain-socket-enabled", Boolean.class).orElse(false)) {
            return UnixDomainSocketAddress.of(config.getValue("quarkus.http.domain-socket", String.class));
        }
        int port = values.getOrDefault(HttpServer.HTTP_PORT, -1);
        if (port <= 0) {
            port = values.getOrDefault(HttpServer.HTTP_TEST_PORT, -1);
        }
        if (port <= 0) {
            return null;
        }
        String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("localhost");
        return new InetSocketAddress(reachableHost(host), port);
    }

    /** A wildcard bind is reached over loopback. */
    private static String reachableHost(String host) {
        return switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> host;
        };
    }

    private static String describe(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress uds ? uds.getPath().toString() : address.toString();
    }
}
