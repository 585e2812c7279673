package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.auth.Caller;
import dev.zeusd.auth.SigningKey;
import dev.zeusd.auth.TokenVerifier;
import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.ZeusdProcess;

/** `zeusd token issue --gpus/--cpus` as a process: the printed token decoded claim by claim, then verified. */
class TokenIssueDeviceLimitsIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void deviceLimitsBecomeClaims() throws Exception {
        Path key = Files.write(dir.resolve("signing.key"), HandmadeJwt.opensslStyleKey());
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "job-42", "--scope", "gpu-read,gpu-control", "--expires", "1h", "--gpus", "1, 0,1", "--cpus", "0")) {
            assertEquals(0, zeusd.awaitExit(EXIT), zeusd.stderr());
            String token = zeusd.stdout().trim();
            String[] parts = token.split("\\.");
            assertEquals("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", new String(Base64.getUrlDecoder().decode(parts[0])));
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            List<String> names = new java.util.ArrayList<>();
            claims.fieldNames().forEachRemaining(names::add);
            assertEquals(List.of("sub", "scopes", "iat", "exp", "gpu_ids", "cpu_ids"), names);
            assertEquals("job-42", claims.get("sub").asText());
            assertEquals("[\"gpu-read\",\"gpu-control\"]", claims.get("scopes").toString());
            long now = System.currentTimeMillis() / 1000;
            assertTrue(Math.abs(claims.get("iat").asLong() - now) < 120, claims.toString());
            assertEquals(3600, claims.get("exp").asLong() - claims.get("iat").asLong());
            assertEquals("[0,1]", claims.get("gpu_ids").toString());
            assertEquals("[0]", claims.get("cpu_ids").toString());
            Caller caller = new TokenVerifier(SigningKey.read(key)).verify("Bearer " + token);
            assertEquals(List.of(0, 1), List.copyOf(caller.gpuIds()));
            assertEquals(List.of(0), List.copyOf(caller.cpuIds()));
        }
    }

    @Test
    void badDeviceIdsFailWithOneClearMessage() throws Exception {
        Path key = Files.write(dir.resolve("signing.key"), HandmadeJwt.opensslStyleKey());
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "a", "--expires", "1h", "--gpus", "0,-1")) {
            assertEquals(2, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().contains("device ids are non-negative integers, got '-1'"), zeusd.stderr());
            assertEquals("", zeusd.stdout());
        }
    }
}
