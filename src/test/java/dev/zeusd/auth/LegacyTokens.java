package dev.zeusd.auth;

import java.nio.file.Path;

/**
 * Tokens printed by {@code zeusd token issue} before auth moved onto SmallRye JWT (hand-written jose4j issuer),
 * with the key file they were signed with. They must keep verifying: tokens already handed out stay valid.
 */
public final class LegacyTokens {
    /** {@code printf 'q3Jd0mN1x7dXl0bT0pZ2Q5c2F0b2tlbnNmb3J6ZXVzZA==\n'}: base64 text and newline, used raw. */
    public static final Path KEY_FILE = Path.of("src/test/resources/auth/legacy-signing.key");

    /** {@code --user legacy-alice --scope gpu-read,gpu-control --expires never}, iat 1796020745. */
    public static final String ALICE_NEVER_EXPIRES = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJsZWdhY3ktYWxpY2UiLCJzY29wZXMiOlsiZ3B1LXJlYWQiLCJncHUtY29udHJvbCJdLCJpYXQiOjE3OTYwMjA3NDV9"
            + ".AH_az3r2-4obUvCMhKQyNaQw1LEKBYsXA7fxdJLhGQk";
    public static final long ALICE_IAT = 1796020745L;

    /** {@code --user legacy-bob --scope cpu-read --expires 36500d}, iat 1796020746, exp 4949620746. */
    public static final String BOB_CPU_READ = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJsZWdhY3ktYm9iIiwic2NvcGVzIjpbImNwdS1yZWFkIl0sImlhdCI6MTc5NjAyMDc0NiwiZXhwIjo0OTQ5NjIwNzQ2fQ"
            + ".z_3vCPNFatluA8DndnvjveV49CzAXySmRFQLMi8g6PY";
    public static final long BOB_IAT = 1796020746L;
    public static final long BOB_EXP = 4949620746L;

    private LegacyTokens() {
    }
}
