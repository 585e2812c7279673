package dev.zeusd.ops;

import javax.net.ssl.SSLPeerUnverifiedException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.auth.Authenticator;
import dev.zeusd.auth.Caller;
import dev.zeusd.auth.RawKeyJwtFactory;
import dev.zeusd.auth.TokenRejected;
import dev.zeusd.auth.ZeusdPrincipal;
import dev.zeusd.config.ZeusdConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /q/metrics} under the API's access rules: device readings are refreshed before every scrape renders
 * ({@link MetricsSnapshot}), then, with auth off it is Quarkus's endpoint,
 * open like the API. With auth on it needs {@code Authorization: Bearer <token>} and shows only what the token's
 * scopes could read on the API ({@link ScrapeFilter}); health stays open for probes. Either way, RAPL values are
 * coarse ({@link DeviceMetrics}).
 */
@Singleton
public class MetricsAccess {
    static final String PATH = "/q/metrics";
    private static final String CHALLENGE = "Bearer realm=\"zeusd\"";
    private static final String BEARER = "Bearer ";

    private final Authenticator authenticator;
    private final RawKeyJwtFactory tokens;
    private final PrometheusMeterRegistry registry;
    private final MetricsSnapshot snapshot;
    private final boolean clientCertificateRequired;

    @Inject
    public MetricsAccess(Authenticator authenticator, RawKeyJwtFactory tokens, PrometheusMeterRegistry registry,
            MetricsSnapshot snapshot, ZeusdConfig config) {
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.registry = registry;
        this.snapshot = snapshot;
        this.clientCertificateRequired = config.managementTlsClientCa().isPresent();
    }

    void install(@Observes ManagementInterface management) {
        // Ahead of Quarkus's own handler for the same path, which never looks at a token.
        management.router().routeWithRegex(PATH + "(/.*)?").order(Integer.MIN_VALUE).handler(this::guard);
    }

    void guard(RoutingContext context) {
        if (clientCertificateRequired && !verifiedClient(context)) {
            context.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("error", "a client certificate signed by a CA of "
                            + "--management-tls-client-ca is required for " + PATH).encode());
            return;
        }
        if (!authenticator.enabled()) {
            // the device readings first (bounded, on a worker: it waits for devices), then Quarkus renders them
            context.vertx().executeBlocking(() -> {
                snapshot.refresh();
                return null;
            }, false).onComplete(refreshed -> context.next());
            return;
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(BEARER)) {
            unauthorized(context, "missing token: send 'Authorization: Bearer <token>' with scope gpu-read and/or "
                    + "cpu-read (see `zeusd token issue`)");
            return;
        }
        Caller caller;
        try {
            caller = ((ZeusdPrincipal) tokens.parse(header.substring(BEARER.length()).trim(), null)).caller();
        } catch (TokenRejected e) {
            unauthorized(context, e.getMessage());
            return;
        } catch (Exception e) {
            unauthorized(context, "invalid token: not a well-formed HS256 JWT");
            return;
        }
        ScrapeFilter filter = new ScrapeFilter(caller);
        // the refresh waits for devices (bounded): never on the event loop
        context.vertx().executeBlocking(() -> {
            snapshot.refresh();
            return filter.apply(registry.scrape());
        }, false).onComplete(result -> {
            if (result.succeeded()) {
                context.response().putHeader(HttpHeaders.CONTENT_TYPE, TextFormat.CONTENT_TYPE_004)
                        .end(result.result());
            } else {
                context.fail(result.cause());
            }
        });
    }

    /**
     * The listener asks every client for a certificate ({@code quarkus.management.ssl.client-auth=request}, fixed at
     * build time) and the handshake refuses one the client CA did not sign; a client that sent none gets here
     * without one. Probes ({@code /q/health}) need none: the kubelet has no certificate to give.
     */
    private static boolean verifiedClient(RoutingContext context) {
        try {
            return context.request().isSSL() && context.request().sslSession() != null
                    && context.request().sslSession().getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private static void unauthorized(RoutingContext context, String message) {
        context.response().setStatusCode(401).putHeader("WWW-Authenticate", CHALLENGE)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
