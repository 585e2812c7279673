package dev.zeusd.auth;

import java.util.ArrayList;
import java.util.List;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import dev.zeusd.config.ApiGroup;

/**
 * Verifies zeusd tokens: HS256 only (alg none and every other algorithm are refused), signature over the raw key
 * bytes, {@code exp} checked when present and not required, {@code sub} a string, {@code scopes} an array of known
 * group names.
 */
public final class TokenVerifier {
    private final JwtConsumer consumer;

    public TokenVerifier(SigningKey key) {
        this.consumer = new JwtConsumerBuilder()
                .setVerificationKey(key.hmacKey())
                .setRelaxVerificationKeyValidation() // the original accepts key files shorter than 256 bits
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireSubject()
                .setSkipDefaultAudienceValidation()
                .build();
    }

    /** @param authorization the Authorization header, possibly null */
    public Caller verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new TokenRejected(TokenRejected.Reason.MISSING,
                    "missing token: send 'Authorization: Bearer <token>' (see `zeusd token issue`)");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            throw new TokenRejected(TokenRejected.Reason.MISSING,
                    "missing token: the Authorization header must be 'Bearer <token>'");
        }
        String token = authorization.substring(7).trim();
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
                throw new TokenRejected(TokenRejected.Reason.EXPIRED, "expired token: issue a new one");
            }
            throw new TokenRejected(TokenRejected.Reason.INVALID, "invalid token: " + firstReason(e));
        }
        return toCaller(claims);
    }

    private static Caller toCaller(JwtClaims claims) {
        try {
            Object rawScopes = claims.getClaimValue("scopes");
            if (!(rawScopes instanceof List<?> list)) {
                throw invalid("the 'scopes' claim must be an array of API group names");
            }
            List<ApiGroup> scopes = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String name)) {
                    throw invalid("the 'scopes' claim must be an array of API group names");
                }
                try {
                    scopes.add(ApiGroup.fromWireName(name));
                } catch (IllegalArgumentException e) {
                    throw invalid("the 'scopes' claim has an " + e.getMessage());
                }
            }
            Long exp = claims.hasClaim("exp") ? claims.getExpirationTime().getValue() : null;
            return new Caller(claims.getSubject(), List.copyOf(scopes), exp);
        } catch (MalformedClaimException e) {
            throw invalid(e.getMessage());
        }
    }

    private static TokenRejected invalid(String why) {
        return new TokenRejected(TokenRejected.Reason.INVALID, "invalid token: " + why);
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
