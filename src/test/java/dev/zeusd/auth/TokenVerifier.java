package dev.zeusd.auth;

import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Test helper: runs a token through the daemon's own {@link RawKeyJwtFactory}, outside Quarkus, and answers with
 * the {@link Caller} it would authenticate (the API {@code TokenIssueIT} has always used).
 */
public final class TokenVerifier {
    private final RawKeyJwtFactory factory;

    public TokenVerifier(SigningKey key) {
        this.factory = new RawKeyJwtFactory(key);
    }

    public Caller verify(String authorization) {
        try {
            return ((ZeusdPrincipal) factory.parse(authorization.substring("Bearer ".length()), null)).caller();
        } catch (ParseException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
