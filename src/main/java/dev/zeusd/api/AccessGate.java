package dev.zeusd.api;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.zeusd.auth.Authenticator;
import dev.zeusd.auth.Caller;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.EnabledGroups;
import io.vertx.core.http.HttpServerRequest;

/**
 * First thing on every request, before resource matching: a disabled API group answers 404 before any auth check;
 * then, with auth on, the token must be valid (401) and carry the group's scope (403). {@code /discover} and
 * {@code /time} are always open; {@code /auth/*} exists only with auth on.
 */
@Singleton
public class AccessGate {
    static final String CALLER = "zeusd.caller";
    /** Who the audit trail names for this request (see {@link CallerIdentity}). */
    static final String CALLER_IDENTITY = "zeusd.caller-identity";

    private final EnabledGroups enabledGroups;
    private final Authenticator authenticator;

    @Inject
    public AccessGate(EnabledGroups enabledGroups, Authenticator authenticator) {
        this.enabledGroups = enabledGroups;
        this.authenticator = authenticator;
    }

    @ServerRequestFilter(preMatching = true, priority = 10)
    public void check(ContainerRequestContext request, HttpServerRequest httpRequest) {
        String path = request.getUriInfo().getPath();
        ApiGroup group = ApiRoutes.groupOf(path);
        if (group != null && !enabledGroups.contains(group)) {
            throw new ApiException(404, "API group '" + group.wireName() + "' is not enabled on this server.");
        }
        boolean authPath = ApiRoutes.isAuthPath(path);
        if (!authenticator.enabled()) {
            if (authPath) {
                throw new ApiException(404, "authentication is not enabled on this server");
            }
            if (group == ApiGroup.GPU_CONTROL) {
                request.setProperty(CALLER_IDENTITY, CallerIdentity.of(null, httpRequest));
            }
            return;
        }
        if (group == null && !authPath) {
            return; // /discover, /time, unknown paths
        }
        Caller caller = authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (group != null && !caller.mayUse(group)) {
            throw new ApiException(403, "user '" + caller.subject() + "' lacks scope '" + group.wireName()
                    + "' (token scopes: " + (caller.scopes().isEmpty() ? "none"
                            : String.join(", ", caller.scopes().stream().map(ApiGroup::wireName).toList()))
                    + ")");
        }
        request.setProperty(CALLER, caller);
        request.setProperty(CALLER_IDENTITY, CallerIdentity.of(caller, httpRequest));
    }
}
