package dev.zeusd.boot;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.zeusd.StartupException;

/**
 * Can the signing key file be read? Checked before auth/ reads the key, so that every way it cannot be read gets a
 * sentence with the right way out. An unreadable key is a permission problem: never suggest a new key, which would
 * invalidate every token signed with the cluster's shared one.
 */
public final class SigningKeyFile {
    private SigningKeyFile() {
    }

    public static void requireReadable(Path key) {
        if (Files.isDirectory(key)) {
            throw new StartupException("The signing key " + key + " is a directory; pass the key file itself to "
                    + "--signing-key-path.");
        }
        try (var in = Files.newInputStream(key)) {
            in.read(); // opening is not enough for every file system: read a byte
        } catch (IOException e) {
            throw new StartupException(explain(key, e), e);
        }
    }

    static String explain(Path key, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "The signing key " + key + " does not exist; copy the key file the cluster's other zeusd "
                    + "daemons use to that path, or, for a new cluster, create one with `openssl rand -base64 32 > "
                    + key + "`.";
        }
        String uid = PrivilegeCheck.effectiveUid(Path.of("/proc/self/status")).stream()
                .mapToObj(Long::toString).findFirst().orElse("this user");
        if (e instanceof AccessDeniedException) {
            return "Cannot read the signing key " + key + ": permission denied for uid " + uid + "; run zeusd as "
                    + "the key's owner (root for the system service) or give that user read access (`chmod 600` "
                    + "keeps it private), and keep the file: a new key would invalidate every token already issued.";
        }
        return "Cannot read the signing key " + key + " (" + e.getMessage() + "); check the path and the file "
                + "system, and keep the file: a new key would invalidate every token already issued.";
    }
}
