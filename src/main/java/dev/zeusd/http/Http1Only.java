package dev.zeusd.http;

import jakarta.inject.Singleton;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The API listeners (TCP and the Unix socket) speak HTTP/1.0 and 1.1 only: no cleartext HTTP/2, neither by prior
 * knowledge ({@code PRI * HTTP/2.0}) nor by {@code Upgrade: h2c}. Besides keeping the promise that only HTTP/1.x is
 * served, this makes Vert.x build the HTTP/1 pipeline of a connection as soon as it is accepted (with h2c it waits
 * for the first bytes), which {@link AcceptedConnections} relies on. The management port is left as Quarkus makes it.
 */
@Singleton
public class Http1Only implements HttpServerOptionsCustomizer {
    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }

    @Override
    public void customizeDomainSocketServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
