package dev.zeusd.api;

import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.zeusd.auth.Caller;
import dev.zeusd.auth.CurrentCaller;
import dev.zeusd.auth.TokenRejected;
import dev.zeusd.config.ApiGroup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The contract's words for what Quarkus security decides: 401 missing / expired / invalid token with
 * {@code WWW-Authenticate: Bearer realm="zeusd"}, and 403 naming the user, the scope needed and the token's scopes.
 */
public class AuthErrorMappers {
    private static final String CHALLENGE = "Bearer realm=\"zeusd\"";

    private final CurrentCaller currentCaller;

    @Inject
    public AuthErrorMappers(CurrentCaller currentCaller) {
        this.currentCaller = currentCaller;
    }

    /** No identity where a scope is needed: no usable Authorization header. */
    @ServerExceptionMapper
    public Response missingToken(UnauthorizedException e, HttpHeaders headers) {
        String header = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        return unauthorized(header == null || header.isBlank()
                ? "missing token: send 'Authorization: Bearer <token>' (see `zeusd token issue`)"
                : "missing token: the Authorization header must be 'Bearer <token>'");
    }

    /** SmallRye JWT gave up on the token; our factory's {@link TokenRejected} says why. */
    @ServerExceptionMapper
    public Response rejectedToken(AuthenticationFailedException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TokenRejected rejected) {
                return unauthorized(rejected.getMessage());
            }
        }
        return unauthorized("invalid token: not a well-formed HS256 JWT");
    }

    @ServerExceptionMapper
    public Response lacksScope(ForbiddenException e, ResourceInfo resource) {
        String required = requiredScope(resource);
        String message = currentCaller.get().map(caller -> "user '" + caller.subject() + "' lacks scope '" + required
                + "' (token scopes: " + scopes(caller) + ")").orElse("this request needs scope '" + required + "'");
        return ErrorMappers.error(403, message);
    }

    private static String scopes(Caller caller) {
        return caller.scopes().isEmpty() ? "none"
                : caller.scopes().stream().map(ApiGroup::wireName).collect(Collectors.joining(", "));
    }

    /** One resource class per group, each with a class-level {@code @RolesAllowed} naming it. */
    private static String requiredScope(ResourceInfo resource) {
        RolesAllowed roles = resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (roles == null) {
            roles = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return roles == null ? "?" : String.join(", ", roles.value());
    }

    private static Response unauthorized(String message) {
        return Response.fromResponse(ErrorMappers.error(401, message)).header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .build();
    }
}
