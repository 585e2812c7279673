package dev.zeusd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.zeusd.config.ApiGroup;

/** smallrye-jwt-build makes the very tokens the hand-written issuer made, byte for byte, plus the device limits. */
class TokenIssuerTest {
    private final TokenIssuer issuer = new TokenIssuer(SigningKey.read(LegacyTokens.KEY_FILE));

    private static String decode(String segment) {
        return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
    }

    @Test
    void sameTokenAsBeforeForTheSameInput() {
        assertEquals(LegacyTokens.ALICE_NEVER_EXPIRES, issuer.issue("legacy-alice",
                List.of(ApiGroup.GPU_READ, ApiGroup.GPU_CONTROL), null, Instant.ofEpochSecond(LegacyTokens.ALICE_IAT),
                null, null));
        assertEquals(LegacyTokens.BOB_CPU_READ, issuer.issue("legacy-bob", List.of(ApiGroup.CPU_READ),
                Duration.ofDays(36500), Instant.ofEpochSecond(LegacyTokens.BOB_IAT), null, null));
    }

    @Test
    void deviceLimitsFollowTheOriginalClaims() {
        String[] token = issuer.issue("carol", List.of(ApiGroup.GPU_READ), Duration.ofHours(1),
                Instant.ofEpochSecond(1_800_000_000L), new TreeSet<>(List.of(1, 0)), new TreeSet<>(List.of(0)))
                .split("\\.");
        assertEquals("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", decode(token[0]));
        assertEquals("{\"sub\":\"carol\",\"scopes\":[\"gpu-read\"],\"iat\":1800000000,\"exp\":1800003600,"
                + "\"gpu_ids\":[0,1],\"cpu_ids\":[0]}", decode(token[1]));
    }
}
