package dev.zeusd.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Small executable /bin/sh scripts for tests that run real commands. */
public final class ShellScripts {
    private ShellScripts() {
    }

    /** Writes {@code dir/name} as {@code #!/bin/sh} plus {@code body}, executable by everyone (0755). */
    public static Path write(Path dir, String name, String body) throws IOException {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** A TOML basic string: quoted, with backslashes and quotes escaped. */
    public static String toml(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Whether process {@code pid} still runs. A killed process whose parent is gone may stay a zombie until init
     * reaps it; a zombie no longer runs.
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to {@code millis} for {@code pid} to stop running; true if it did. */
    public static boolean awaitGone(long pid, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (isRunning(pid)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
