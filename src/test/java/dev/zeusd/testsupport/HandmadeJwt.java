package dev.zeusd.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JWTs built by hand (HMAC-SHA256 over header.payload), independent of the code under test. */
public final class HandmadeJwt {
    private HandmadeJwt() {
    }

    public static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    public static String hs256(byte[] key, String headerJson, String payloadJson) {
        String signingInput = b64(headerJson) + "." + b64(payloadJson);
        return signingInput + "." + sign(key, signingInput);
    }

    public static String hs256(byte[] key, String payloadJson) {
        return hs256(key, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson);
    }

    public static String sign(byte[] key, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like {@code openssl rand -base64 32}: 44 base64 characters and a newline. */
    public static byte[] opensslStyleKey() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return (Base64.getEncoder().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
