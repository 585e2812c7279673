package dev.zeusd.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.crypto.spec.SecretKeySpec;

import org.jose4j.keys.HmacKey;

import dev.zeusd.StartupException;

/**
 * The HMAC-SHA256 secret: the key file's raw bytes exactly as read. A file made with {@code openssl rand -base64 32}
 * is used as its base64 text, newline included, never decoded, so tokens are interchangeable with every other
 * zeusd sharing the file.
 */
public final class SigningKey {
    private final byte[] secret;

    private SigningKey(byte[] secret) {
        this.secret = secret;
    }

    public static SigningKey read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new StartupException("Cannot read the signing key " + path + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); create it with `openssl rand -base64 32 > " + path + "`.");
        }
        if (bytes.length == 0) {
            throw new StartupException("The signing key " + path + " is empty; create it with "
                    + "`openssl rand -base64 32 > " + path + "`.");
        }
        return new SigningKey(bytes);
    }

    /** For verifying (jose4j, under SmallRye JWT). */
    HmacKey hmacKey() {
        return new HmacKey(secret.clone());
    }

    /** For signing (smallrye-jwt-build). */
    SecretKeySpec secretKey() {
        return new SecretKeySpec(secret, "HmacSHA256");
    }
}
