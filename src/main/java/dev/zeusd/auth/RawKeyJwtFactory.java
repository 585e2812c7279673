package dev.zeusd.auth;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;

/**
 * SmallRye JWT's documented extension point, replacing its default parser, which requires {@code exp} and wants the
 * HS256 secret as a JWK. zeusd tokens are HS256 over the key file's raw bytes (other algorithms and {@code none}
 * refused), with {@code exp} optional and 60 s of clock skew, as in the original.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class RawKeyJwtFactory extends JWTCallerPrincipalFactory {
    static final int CLOCK_SKEW_SECONDS = 60;

    private final JwtConsumer consumer;

    @Inject
    public RawKeyJwtFactory(Authenticator authenticator) {
        this(authenticator.key().orElse(null));
    }

    /** @param key null with auth off: then no token is ever accepted (and none is asked for) */
    RawKeyJwtFactory(SigningKey key) {
        this.consumer = key == null ? null : new JwtConsumerBuilder()
                .setVerificationKey(key.hmacKey())
                .setRelaxVerificationKeyValidation() // the original accepts key files shorter than 256 bits
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setSkipDefaultAudienceValidation()
                .build();
    }

    /** The context SmallRye passes carries no key of ours and is ignored. */
    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo ignored) throws TokenRejected {
        if (consumer == null) {
            throw TokenRejected.invalid("authentication is not enabled on this server");
        }
        // base64url in a JWS has no padding; jose4j's decoder would tolerate it, so `token==` verified before.
        if (token.indexOf('=') >= 0) {
            throw TokenRejected.invalid("not a well-formed HS256 JWT (base64url segments carry no '=' padding)");
        }
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
                throw new TokenRejected("expired token: issue a new one");
            }
            throw TokenRejected.invalid(firstReason(e));
        }
        return new ZeusdPrincipal(token, claims, TokenClaims.caller(claims));
    }

    /** Why, in words that never echo the token back. */
    private static String firstReason(InvalidJwtException e) {
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "the signature does not match this server's signing key";
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return "the 'sub' claim is missing";
        }
        return "not a well-formed HS256 JWT";
    }
}
