package dev.zeusd.auth;

import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JWTAuthMechanism;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * SmallRye JWT's bearer-token mechanism, consulted only with auth on. With auth off a client that sends a token
 * anyway (the Zeus client may) is anonymous like any other, as in the original, instead of failing verification.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class BearerTokenWhenAuthOn implements HttpAuthenticationMechanism {
    private final JWTAuthMechanism jwt;
    private final Authenticator authenticator;

    @Inject
    public BearerTokenWhenAuthOn(JWTAuthMechanism jwt, Authenticator authenticator) {
        this.jwt = jwt;
        this.authenticator = authenticator;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        return authenticator.enabled() ? jwt.authenticate(context, identityProviderManager)
                : Uni.createFrom().nullItem();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return jwt.getChallenge(context);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return jwt.getCredentialTypes();
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return jwt.getCredentialTransport(context);
    }
}
