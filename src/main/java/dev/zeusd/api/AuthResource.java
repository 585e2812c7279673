package dev.zeusd.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import dev.zeusd.api.response.WhoamiResponse;
import dev.zeusd.auth.Caller;
import dev.zeusd.config.ApiGroup;

/** {@code /auth/*}: only reachable with auth on, and only with a valid token ({@link AccessGate}). */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @GET
    @Path("whoami")
    public WhoamiResponse whoami(@Context ContainerRequestContext request) {
        Caller caller = (Caller) request.getProperty(AccessGate.CALLER);
        return new WhoamiResponse(caller.subject(), caller.scopes().stream().map(ApiGroup::wireName).toList(),
                caller.expiresAt());
    }
}
