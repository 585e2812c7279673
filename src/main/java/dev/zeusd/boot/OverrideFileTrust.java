package dev.zeusd.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

import dev.zeusd.StartupException;

/**
 * The override file decides which commands zeusd runs, and those commands usually hold sudo rules: refuse a file
 * that someone other than root or zeusd's own user could have changed.
 */
final class OverrideFileTrust {
    private OverrideFileTrust() {
    }

    /**
     * @param euid the daemon's effective uid
     * @return a warning to log if the file is group-writable
     * @throws StartupException if the file is writable by others or owned by another user
     */
    static Optional<String> check(Path file, long euid) {
        int owner;
        Set<PosixFilePermission> mode;
        try {
            owner = (Integer) Files.getAttribute(file, "unix:uid");
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            throw new StartupException("Cannot read the GPU command override file " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
        }
        if (owner != 0 && owner != euid) {
            throw new StartupException("The GPU command override file " + file + " is owned by uid " + owner
                    + "; it must be owned by root or by the user running zeusd (uid " + euid
                    + "), because zeusd runs the commands it names.");
        }
        if (mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new StartupException("The GPU command override file " + file + " is writable by others ("
                    + PosixFilePermissions.toString(mode) + "); make it writable by its owner only (chmod 644), "
                    + "because zeusd runs the commands it names.");
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE)) {
            return Optional.of("The GPU command override file " + file + " is group-writable ("
                    + PosixFilePermissions.toString(mode) + "): anyone in its group can change which commands zeusd "
                    + "runs.");
        }
        return Optional.empty();
    }
}
