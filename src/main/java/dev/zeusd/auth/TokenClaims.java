package dev.zeusd.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import dev.zeusd.config.ApiGroup;

/**
 * The claims of a token whose signature and {@code exp} already checked out: {@code sub} a non-empty string (the
 * audit trail names it), {@code scopes} an array of known group names, and the optional device limits
 * {@code gpu_ids} / {@code cpu_ids}, arrays of non-negative integers.
 */
final class TokenClaims {
    static final String SCOPES = "scopes";
    static final String GPU_IDS = "gpu_ids";
    static final String CPU_IDS = "cpu_ids";

    private TokenClaims() {
    }

    static Caller caller(JwtClaims claims) throws TokenRejected {
        try {
            if (!(claims.getClaimValue("sub") instanceof String subject) || subject.isBlank()) {
                throw TokenRejected.invalid("the 'sub' claim must name the user");
            }
            Long exp = claims.hasClaim("exp") ? claims.getExpirationTime().getValue() : null;
            return new Caller(subject, scopes(claims.getClaimValue(SCOPES)), exp, deviceIds(claims, GPU_IDS),
                    deviceIds(claims, CPU_IDS));
        } catch (MalformedClaimException e) {
            throw TokenRejected.invalid(e.getMessage());
        }
    }

    private static List<ApiGroup> scopes(Object raw) throws TokenRejected {
        if (!(raw instanceof List<?> list)) {
            throw TokenRejected.invalid("the 'scopes' claim must be an array of API group names");
        }
        List<ApiGroup> scopes = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String name)) {
                throw TokenRejected.invalid("the 'scopes' claim must be an array of API group names");
            }
            try {
                scopes.add(ApiGroup.fromWireName(name));
            } catch (IllegalArgumentException e) {
                throw TokenRejected.invalid("the 'scopes' claim has an " + e.getMessage());
            }
        }
        return List.copyOf(scopes);
    }

    /** @return null when the claim is absent: the token does not limit that kind of device */
    private static SortedSet<Integer> deviceIds(JwtClaims claims, String name) throws TokenRejected {
        if (!claims.getClaimsMap().containsKey(name)) {
            return null; // present but null is malformed, not "every device"
        }
        String malformed = "the '" + name + "' claim must be an array of device ids (non-negative integers)";
        if (!(claims.getClaimValue(name) instanceof List<?> list)) {
            throw TokenRejected.invalid(malformed);
        }
        SortedSet<Integer> ids = new TreeSet<>();
        for (Object item : list) {
            if (!(item instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw TokenRejected.invalid(malformed);
            }
            ids.add(id.intValue());
        }
        return Collections.unmodifiableSortedSet(ids);
    }
}
