package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.HandmadeJwt;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/** Auth on, with a key file as `openssl rand -base64 32` writes it, and tokens made by hand. */
@QuarkusTest
@TestProfile(AuthApiTest.WithAuth.class)
class AuthApiTest {
    static final byte[] KEY = HandmadeJwt.opensslStyleKey();
    static final long FUTURE = System.currentTimeMillis() / 1000 + 3600;

    public static class WithAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path key = Files.createTempFile("zeusd-key", ".key");
                Files.write(key, KEY);
                return Map.of("zeusd.signing-key-path", key.toString(), "zeusd.enable", "gpu-control,gpu-read");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String token(String scopesJson, Long exp) {
        return HandmadeJwt.hs256(KEY, "{\"sub\":\"alice\",\"scopes\":" + scopesJson
                + (exp == null ? "" : ",\"exp\":" + exp) + "}");
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static void assert401(RequestSpecification request, String messageStart) {
        request.when().get("/gpu/get_power").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"zeusd\"")
                .contentType("application/json")
                .body("error", startsWith(messageStart));
    }

    @Test
    void discoverAndTimeStayOpen() {
        when().get("/discover").then().statusCode(200).body("auth_required", equalTo(true));
        when().get("/time").then().statusCode(200);
    }

    @Test
    void validTokenWithScopeReads() {
        bearer(token("[\"gpu-read\"]", FUTURE)).get("/gpu/get_power?gpu_ids=0").then().statusCode(200)
                .body("power_mw.keySet()", contains("0"));
    }

    @Test
    void tokenWithoutExpNeverExpires() {
        bearer(token("[\"gpu-read\"]", null)).get("/auth/whoami").then().statusCode(200)
                .body("sub", equalTo("alice")).body("scopes", contains("gpu-read")).body("$", not(hasKey("exp")));
        bearer(token("[\"gpu-read\",\"gpu-control\"]", FUTURE)).get("/auth/whoami").then()
                .body("exp", equalTo((int) FUTURE)).body("scopes", contains("gpu-read", "gpu-control"));
    }

    @Test
    void keyFileBytesAreUsedRawNotDecoded() {
        String text = new String(KEY, java.nio.charset.StandardCharsets.US_ASCII).trim();
        byte[] decoded = Base64.getDecoder().decode(text);
        assert401(bearer(HandmadeJwt.hs256(decoded, "{\"sub\":\"a\",\"scopes\":[\"gpu-read\"]}")),
                "invalid token: the signature does not match");
        byte[] withoutNewline = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assert401(bearer(HandmadeJwt.hs256(withoutNewline, "{\"sub\":\"a\",\"scopes\":[\"gpu-read\"]}")),
                "invalid token");
    }

    @Test
    void missingTokens() {
        assert401(given(), "missing token");
        assert401(given().header("Authorization", "Bearer "), "missing token");
        assert401(given().header("Authorization", "Basic YWxpY2U6cHc="), "missing token");
    }

    @Test
    void expiredToken() {
        assert401(bearer(token("[\"gpu-read\"]", System.currentTimeMillis() / 1000 - 600)), "expired token");
    }

    @Test
    void attacksAreRejected() {
        String payload = "{\"sub\":\"alice\",\"scopes\":[\"gpu-read\"]}";
        // alg none, unsigned
        assert401(bearer(HandmadeJwt.b64("{\"alg\":\"none\"}") + "." + HandmadeJwt.b64(payload) + "."), "invalid");
        // another HMAC algorithm with the right key
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload)), "invalid");
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload)), "invalid");
        // wrong key
        assert401(bearer(HandmadeJwt.hs256("another key".getBytes(), payload)), "invalid");
        // tampered payload: grant gpu-control, keep the signature
        String good = HandmadeJwt.hs256(KEY, payload);
        String[] parts = good.split("\\.");
        assert401(bearer(parts[0] + "." + HandmadeJwt.b64(payload.replace("gpu-read", "gpu-control")) + "." + parts[2]),
                "invalid");
        // tampered header
        assert401(bearer(HandmadeJwt.b64("{\"alg\":\"HS256\",\"kid\":\"x\"}") + "." + parts[1] + "." + parts[2]),
                "invalid");
        // malformed
        assert401(bearer("not.a.jwt"), "invalid");
        assert401(bearer("abc"), "invalid");
        // scopes not an array of known groups
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"sub\":\"a\",\"scopes\":\"gpu-read\"}")), "invalid token: the 'scopes'");
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"sub\":\"a\",\"scopes\":[\"root\"]}")), "invalid token: the 'scopes'");
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"sub\":\"a\",\"scopes\":[1]}")), "invalid token: the 'scopes'");
        assert401(bearer(HandmadeJwt.hs256(KEY, "{\"sub\":\"a\"}")), "invalid token: the 'scopes'");
    }

    @Test
    void insufficientScopeIs403NamingEverything() {
        bearer(token("[\"gpu-read\"]", FUTURE)).post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=200000&block=true")
                .then().statusCode(403)
                .body("error", equalTo("user 'alice' lacks scope 'gpu-control' (token scopes: gpu-read)"));
        bearer(token("[\"gpu-read\"]", FUTURE)).post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then()
                .statusCode(403)
                .body("error", equalTo("user 'alice' lacks scope 'gpu-control' (token scopes: gpu-read)"));
        given().post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"zeusd\"").body("error", startsWith("missing"));
        bearer(token("[\"gpu-control\"]", FUTURE)).post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then()
                .statusCode(200);
        bearer(token("[]", FUTURE)).get("/gpu/stream_power").then().statusCode(403)
                .body("error", equalTo("user 'alice' lacks scope 'gpu-read' (token scopes: none)"));
        try (AuditCapture audit = new AuditCapture()) {
            bearer(token("[\"gpu-control\"]", FUTURE))
                    .post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=300000&block=true").then().statusCode(200);
            org.junit.jupiter.api.Assertions.assertTrue(audit.lines().get(0).contains(" caller=sub=alice gpu=0 "),
                    audit.lines().toString());
        }
    }

    @Test
    void disabledGroupIs404BeforeAuth() {
        when().get("/cpu/get_power").then().statusCode(404)
                .body("error", equalTo("API group 'cpu-read' is not enabled on this server."));
    }

    @Test
    void whoamiNeedsAToken() {
        when().get("/auth/whoami").then().statusCode(401);
    }
}
