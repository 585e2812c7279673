package dev.zeusd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.zeusd.config.ApiGroup;
import dev.zeusd.testsupport.HandmadeJwt;

/** The verification rules of the SmallRye JWT factory, on real tokens signed with a real key, without Quarkus. */
class RawKeyJwtFactoryTest {
    private static final byte[] KEY = HandmadeJwt.opensslStyleKey();
    private final RawKeyJwtFactory factory = new RawKeyJwtFactory(SigningKey.read(LegacyTokens.KEY_FILE));
    private final RawKeyJwtFactory randomKeyFactory = new RawKeyJwtFactory(keyOf(KEY));

    private static SigningKey keyOf(byte[] bytes) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("zeusd-key", ".key");
            file.toFile().deleteOnExit();
            return SigningKey.read(java.nio.file.Files.write(file, bytes));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Caller accept(String payload) throws Exception {
        return ((ZeusdPrincipal) randomKeyFactory.parse(HandmadeJwt.hs256(KEY, payload), null)).caller();
    }

    private TokenRejected reject(String token) {
        return assertThrows(TokenRejected.class, () -> randomKeyFactory.parse(token, null));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void tokensIssuedBeforeSmallRyeStillVerify() throws Exception {
        ZeusdPrincipal alice = (ZeusdPrincipal) factory.parse(LegacyTokens.ALICE_NEVER_EXPIRES, null);
        assertEquals(new Caller("legacy-alice", List.of(ApiGroup.GPU_READ, ApiGroup.GPU_CONTROL), null, null, null),
                alice.caller());
        assertEquals(Set.of("gpu-read", "gpu-control"), alice.getGroups());
        assertEquals("legacy-alice", alice.getName());
        Caller bob = ((ZeusdPrincipal) factory.parse(LegacyTokens.BOB_CPU_READ, null)).caller();
        assertEquals(List.of(ApiGroup.CPU_READ), bob.scopes());
        assertEquals(LegacyTokens.BOB_EXP, bob.expiresAt());
    }

    @Test
    void sixtySecondsOfClockSkew() throws Exception {
        assertEquals("alice", accept("{\"sub\":\"alice\",\"scopes\":[],\"exp\":" + (now() - 59) + "}").subject());
        TokenRejected late = reject(HandmadeJwt.hs256(KEY, "{\"sub\":\"alice\",\"scopes\":[],\"exp\":" + (now() - 62)
                + "}"));
        assertEquals("expired token: issue a new one", late.getMessage());
    }

    @Test
    void base64PaddingIsRejectedInEverySegment() throws Exception {
        String token = HandmadeJwt.hs256(KEY, "{\"sub\":\"alice\",\"scopes\":[\"gpu-read\"]}");
        accept("{\"sub\":\"alice\",\"scopes\":[\"gpu-read\"]}");
        String[] parts = token.split("\\.");
        for (String padded : List.of(token + "=", token + "==", parts[0] + "=." + parts[1] + "." + parts[2],
                parts[0] + "." + parts[1] + "==." + parts[2])) {
            TokenRejected rejected = reject(padded);
            assertEquals("invalid token: not a well-formed HS256 JWT (base64url segments carry no '=' padding)",
                    rejected.getMessage(), padded);
        }
    }

    @Test
    void theAuditTrailNeedsAName() {
        assertEquals("invalid token: the 'sub' claim must name the user",
                reject(HandmadeJwt.hs256(KEY, "{\"sub\":\"\",\"scopes\":[\"gpu-read\"]}")).getMessage());
        assertEquals("invalid token: the 'sub' claim must name the user",
                reject(HandmadeJwt.hs256(KEY, "{\"sub\":\"  \",\"scopes\":[\"gpu-read\"]}")).getMessage());
        assertEquals("invalid token: the 'sub' claim is missing",
                reject(HandmadeJwt.hs256(KEY, "{\"scopes\":[\"gpu-read\"]}")).getMessage());
    }

    @Test
    void deviceLimitsAreOptionalArraysOfIds() throws Exception {
        Caller limited = accept("{\"sub\":\"a\",\"scopes\":[],\"gpu_ids\":[2,0,2],\"cpu_ids\":[]}");
        assertEquals(List.of(0, 2), List.copyOf(limited.gpuIds()));
        assertEquals(List.of(), List.copyOf(limited.cpuIds()));
        assertNull(accept("{\"sub\":\"a\",\"scopes\":[]}").gpuIds());
        for (String bad : List.of("\"0\"", "[\"0\"]", "[-1]", "[1.5]", "[4294967296]", "null")) {
            assertEquals("invalid token: the 'gpu_ids' claim must be an array of device ids (non-negative integers)",
                    reject(HandmadeJwt.hs256(KEY, "{\"sub\":\"a\",\"scopes\":[],\"gpu_ids\":" + bad + "}"))
                            .getMessage(), bad);
        }
    }
}
