package dev.zeusd.api;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.zeusd.auth.Authenticator;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.EnabledGroups;

/**
 * First thing on every request, before resource matching and so before any look at a token: a disabled API group
 * answers 404, and so does {@code /auth/*} with auth off. Tokens and scopes are SmallRye JWT's and
 * {@code @RolesAllowed}'s business, after matching.
 */
@Singleton
public class AccessGate {
    private final EnabledGroups enabledGroups;
    private final Authenticator authenticator;

    @Inject
    public AccessGate(EnabledGroups enabledGroups, Authenticator authenticator) {
        this.enabledGroups = enabledGroups;
        this.authenticator = authenticator;
    }

    @ServerRequestFilter(preMatching = true, priority = 10)
    public void check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        ApiGroup group = ApiRoutes.groupOf(path);
        if (group != null && !enabledGroups.contains(group)) {
            throw new ApiException(404, "API group '" + group.wireName() + "' is not enabled on this server.");
        }
        if (!authenticator.enabled() && ApiRoutes.isAuthPath(path)) {
            throw new ApiException(404, "authentication is not enabled on this server");
        }
    }
}
