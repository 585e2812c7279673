package dev.zeusd.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

import dev.zeusd.config.ApiGroup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Makes HS256 tokens over the raw key bytes with smallrye-jwt-build: {@code sub}, {@code scopes}, {@code iat},
 * {@code exp} unless they never expire, then {@code gpu_ids} / {@code cpu_ids} when the token is limited to devices;
 * nothing else (no default {@code jti}/{@code exp}: see META-INF/microprofile-config.properties).
 */
public final class TokenIssuer {
    private final SigningKey key;

    public TokenIssuer(SigningKey key) {
        this.key = key;
    }

    /**
     * @param lifetime null for a token that never expires
     * @param gpuIds null for a token that may use every GPU; likewise {@code cpuIds}
     */
    public String issue(String user, List<ApiGroup> scopes, Duration lifetime, Instant now, SortedSet<Integer> gpuIds,
            SortedSet<Integer> cpuIds) {
        JwtClaimsBuilder claims = Jwt.claim("sub", user)
                .claim(TokenClaims.SCOPES, scopes.stream().map(ApiGroup::wireName).toList())
                .issuedAt(now.getEpochSecond());
        if (lifetime != null) {
            claims.expiresAt(now.plus(lifetime).getEpochSecond());
        }
        if (gpuIds != null) {
            claims.claim(TokenClaims.GPU_IDS, List.copyOf(gpuIds));
        }
        if (cpuIds != null) {
            claims.claim(TokenClaims.CPU_IDS, List.copyOf(cpuIds));
        }
        return claims.jws().algorithm(SignatureAlgorithm.HS256).sign(key.secretKey());
    }
}
