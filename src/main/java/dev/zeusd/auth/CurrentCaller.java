package dev.zeusd.auth;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import io.quarkus.security.identity.SecurityIdentity;

/** The verified token behind this request, if any (none with auth off, or on paths that need no token). */
@RequestScoped
public class CurrentCaller {
    private final SecurityIdentity identity;

    @Inject
    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Optional<Caller> get() {
        return identity.getPrincipal() instanceof ZeusdPrincipal token ? Optional.of(token.caller()) : Optional.empty();
    }
}
