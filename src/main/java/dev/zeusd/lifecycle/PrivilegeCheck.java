package dev.zeusd.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.ZeusdConfig;

/** Refuses to start when an enabled group needs root and the process is not root (Linux). */
public final class PrivilegeCheck {
    private PrivilegeCheck() {
    }

    public static void verify(ZeusdConfig config) {
        if (config.simulate() || config.allowUnprivileged()) {
            return;
        }
        OptionalLong euid = effectiveUid(Path.of("/proc/self/status"));
        if (euid.isPresent()) {
            verify(config, euid.getAsLong());
        }
    }

    static void verify(ZeusdConfig config, long euid) {
        if (euid == 0) {
            return;
        }
        for (ApiGroup group : ApiGroup.values()) {
            if (group.requiresRoot() && config.enabledGroups().contains(group)) {
                throw new StartupException("API group '" + group.wireName() + "' requires root but zeusd runs as uid "
                        + euid + "; run it with sudo, or enable only groups that need no root (--enable gpu-read).");
            }
        }
    }

    /** The effective uid from the {@code Uid:} line of /proc/self/status, if this is Linux. */
    static OptionalLong effectiveUid(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("Uid:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(4).trim().split("\\s+")[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no /proc: there is no root requirement to enforce.
        }
        return OptionalLong.empty();
    }
}
