package dev.zeusd.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import dev.zeusd.config.ApiGroup;

/** Makes HS256 tokens with {@code sub}, {@code scopes}, {@code iat}, and {@code exp} unless they never expire. */
public final class TokenIssuer {
    private final SigningKey key;

    public TokenIssuer(SigningKey key) {
        this.key = key;
    }

    /** @param lifetime null for a token that never expires */
    public String issue(String user, List<ApiGroup> scopes, Duration lifetime, Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(user);
        claims.setStringListClaim("scopes", scopes.stream().map(ApiGroup::wireName).toList());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        if (lifetime != null) {
            claims.setExpirationTime(NumericDate.fromSeconds(now.plus(lifetime).getEpochSecond()));
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(key.hmacKey());
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the token", e);
        }
    }
}
