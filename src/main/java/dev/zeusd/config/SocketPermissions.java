package dev.zeusd.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** {@code --socket-permissions}: an octal mode such as {@code 666} or {@code 0660}, kept as written for the log. */
public record SocketPermissions(String octal, Set<PosixFilePermission> permissions) {
    private static final PosixFilePermission[] BITS = { PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ };

    public SocketPermissions {
        permissions = Set.copyOf(permissions);
    }

    /** The mode, or empty if {@code octal} is not three octal digits with an optional leading 0. */
    public static Optional<SocketPermissions> parse(String octal) {
        if (!octal.matches("0?[0-7]{3}")) {
            return Optional.empty();
        }
        int mode = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return Optional.of(new SocketPermissions(octal, permissions));
    }

    @Override
    public String toString() {
        return octal;
    }
}
