package dev.zeusd.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.zeusd.api.response.WhoamiResponse;
import dev.zeusd.auth.Caller;
import dev.zeusd.auth.CurrentCaller;
import dev.zeusd.config.ApiGroup;
import io.quarkus.security.Authenticated;

/** {@code /auth/*}: only there with auth on ({@link AccessGate}), and only for a valid token. */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class AuthResource {
    private final CurrentCaller currentCaller;

    @Inject
    public AuthResource(CurrentCaller currentCaller) {
        this.currentCaller = currentCaller;
    }

    @GET
    @Path("whoami")
    public WhoamiResponse whoami() {
        Caller caller = currentCaller.get().orElseThrow();
        return new WhoamiResponse(caller.subject(), caller.scopes().stream().map(ApiGroup::wireName).toList(),
                caller.expiresAt(), caller.gpuIds() == null ? null : List.copyOf(caller.gpuIds()),
                caller.cpuIds() == null ? null : List.copyOf(caller.cpuIds()));
    }
}
