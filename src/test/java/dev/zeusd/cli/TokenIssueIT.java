package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.auth.Caller;
import dev.zeusd.auth.SigningKey;
import dev.zeusd.auth.TokenVerifier;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.ZeusdProcess;

/** `zeusd token issue` as a process: one token line on stdout, verified against the same key file. */
class TokenIssueIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path keyFile() throws Exception {
        return Files.write(dir.resolve("signing.key"), HandmadeJwt.opensslStyleKey());
    }

    @Test
    void printsExactlyOneTokenLineThatVerifies() throws Exception {
        Path key = keyFile();
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "alice", "--scope", "gpu-read,cpu-read", "--expires", "1d12h")) {
            assertEquals(0, zeusd.awaitExit(EXIT), zeusd.stderr());
            String stdout = zeusd.stdout();
            assertTrue(stdout.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"), stdout);
            Caller caller = new TokenVerifier(SigningKey.read(key)).verify("Bearer " + stdout.trim());
            assertEquals("alice", caller.subject());
            assertEquals(List.of(ApiGroup.GPU_READ, ApiGroup.CPU_READ), caller.scopes());
            long expectedExp = System.currentTimeMillis() / 1000 + 36 * 3600;
            assertTrue(Math.abs(caller.expiresAt() - expectedExp) < 120, "exp " + caller.expiresAt());
        }
    }

    @Test
    void neverMeansNoExpClaim() throws Exception {
        Path key = keyFile();
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "bob", "--scope", "gpu-control", "--expires", "never")) {
            assertEquals(0, zeusd.awaitExit(EXIT), zeusd.stderr());
            String payload = new String(java.util.Base64.getUrlDecoder().decode(zeusd.stdout().trim().split("\\.")[1]));
            assertTrue(!payload.contains("\"exp\""), payload);
            assertNull(new TokenVerifier(SigningKey.read(key)).verify("Bearer " + zeusd.stdout().trim()).expiresAt());
        }
    }

    @Test
    void badInputFailsWithOneClearMessage() throws Exception {
        Path key = keyFile();
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "a", "--scope", "gpu-read,root", "--expires", "1h")) {
            assertEquals(2, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().contains("unknown API group 'root'"), zeusd.stderr());
            assertEquals("", zeusd.stdout());
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", key.toString(), "--user",
                "a", "--expires", "fortnight")) {
            assertEquals(2, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().contains("--expires must be a duration"), zeusd.stderr());
        }
        Path empty = Files.createFile(dir.resolve("empty.key"));
        try (ZeusdProcess zeusd = ZeusdProcess.start("token", "issue", "--signing-key-path", empty.toString(),
                "--user", "a", "--scope", "gpu-read", "--expires", "1h")) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertEquals("zeusd: The signing key " + empty + " is empty; create it with `openssl rand -base64 32 > "
                    + empty + "`.\n", zeusd.stderr());
        }
    }

    @Test
    void serveRefusesAMissingKeyFile() throws Exception {
        Path missing = dir.resolve("missing.key");
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--signing-key-path",
                missing.toString())) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().startsWith("zeusd: The signing key " + missing + " does not exist"),
                    zeusd.stderr());
            assertEquals(1, zeusd.stderr().lines().count(), zeusd.stderr());
        }
    }
}
