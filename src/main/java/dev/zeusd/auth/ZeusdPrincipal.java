package dev.zeusd.auth;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jose4j.jwt.JwtClaims;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/**
 * A verified zeusd token as Quarkus's {@code JsonWebToken} principal: its groups (hence the identity's roles, checked
 * by {@code @RolesAllowed}) are the token's {@code scopes}; {@link #caller()} is the same token already validated.
 */
public final class ZeusdPrincipal extends DefaultJWTCallerPrincipal {
    private final Caller caller;

    ZeusdPrincipal(String rawToken, JwtClaims claims, Caller caller) {
        super(rawToken, "JWT", claims);
        this.caller = caller;
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Set<String> getGroups() {
        Set<String> groups = new LinkedHashSet<>();
        caller.scopes().forEach(scope -> groups.add(scope.wireName()));
        return groups;
    }

    @Override
    public String getName() {
        return caller.subject();
    }
}
