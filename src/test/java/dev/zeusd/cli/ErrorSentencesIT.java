package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.Dist;
import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * Start-up problems an operator meets, each one sentence with a way out, run through the packaged launcher. The
 * permission cases run as nobody (setpriv), so they need root, as CI has.
 */
class ErrorSentencesIT {
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final List<String> AS_NOBODY = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups");
    private static Path home;
    /** A directory every user can enter, owned by root: what nobody cannot write. */
    private static Path shared;

    @BeforeAll
    static void unpack() throws Exception {
        home = Dist.unpack();
        shared = Files.createTempDirectory("zeusd-errors");
        for (Path dir : List.of(home.getParent(), shared)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void tokenIssueWithoutScopeIsAUsageError() throws Exception {
        Path key = Files.write(shared.resolve("usage.key"), HandmadeJwt.opensslStyleKey());
        try (ZeusdProcess zeusd = run(List.of(), "token", "issue", "--signing-key-path", key.toString(), "--user",
                "alice", "--expires", "1h")) {
            assertEquals(2, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().startsWith("zeusd: Missing required option: '--scope=<SCOPE>'"), zeusd.stderr());
            assertEquals("", zeusd.stdout(), "no token may be printed");
        }
    }

    @Test
    void tokenIssueWithAnEmptyKeyPathIsAUsageError() throws Exception {
        try (ZeusdProcess zeusd = run(List.of(), "token", "issue", "--signing-key-path", "", "--user", "alice",
                "--scope", "gpu-read", "--expires", "1h")) {
            assertEquals(2, zeusd.awaitExit(EXIT));
            assertTrue(zeusd.stderr().startsWith("zeusd: --signing-key-path must not be empty"), zeusd.stderr());
            assertEquals("", zeusd.stdout(), "no token may be printed");
        }
    }

    @Test
    void anUnreadableKeyIsAPermissionProblemNeverANewKey() throws Exception {
        assumeTrue(Dist.isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path key = Files.write(shared.resolve("signing.key"), HandmadeJwt.opensslStyleKey());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------")); // root's, as documented
        String sentence = "zeusd: Cannot read the signing key " + key + ": permission denied for uid 65534; run "
                + "zeusd as the key's owner (root for the system service) or give that user read access (`chmod 600` "
                + "keeps it private), and keep the file: a new key would invalidate every token already issued.\n";
        try (ZeusdProcess zeusd = run(AS_NOBODY, "serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:0", "--signing-key-path", key.toString())) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertEquals(sentence, zeusd.stderr());
        }
        try (ZeusdProcess zeusd = run(AS_NOBODY, "token", "issue", "--signing-key-path", key.toString(), "--user",
                "alice", "--scope", "gpu-read", "--expires", "1h")) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertEquals(sentence, zeusd.stderr());
            assertFalse(zeusd.stderr().contains("openssl rand"), zeusd.stderr());
        }
    }

    @Test
    void aSocketDirectoryThatCannotBeCreatedNamesTheCauseAndTheWayOut() throws Exception {
        assumeTrue(Dist.isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path dir = shared.resolve("run-zeusd");
        try (ZeusdProcess zeusd = run(AS_NOBODY, "serve", "--simulate", "--socket-path",
                dir.resolve("zeusd.sock").toString())) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertEquals("zeusd: Cannot create the socket directory " + dir + " (permission denied); run zeusd as "
                    + "root, or pass --socket-path in a directory you can write, such as /tmp/zeusd.sock.\n",
                    zeusd.stderr());
        }
    }

    @Test
    void aFileInThePlaceOfTheSocketDirectoryIsNamed() throws Exception {
        Path file = Files.writeString(shared.resolve("not-a-dir"), "");
        try (ZeusdProcess zeusd = run(List.of(), "serve", "--simulate", "--socket-path",
                file.resolve("zeusd.sock").toString())) {
            assertEquals(1, zeusd.awaitExit(EXIT));
            assertEquals("zeusd: Cannot create the socket directory " + file + " (" + file + " exists and is not a "
                    + "directory); run zeusd as root, or pass --socket-path in a directory you can write, such as "
                    + "/tmp/zeusd.sock.\n", zeusd.stderr());
        }
    }

    private static ZeusdProcess run(List<String> wrapper, String... args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.add(home.resolve("bin/zeusd").toString());
        return ZeusdProcess.launch(command, Map.of(), args);
    }
}
