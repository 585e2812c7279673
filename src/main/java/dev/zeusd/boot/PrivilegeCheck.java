package dev.zeusd.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;

import dev.zeusd.StartupException;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.ZeusdConfig;

/**
 * Refuses to start when an enabled group needs root and the process is not root (Linux). gpu-control needs no root
 * once command overrides are configured: they carry the privilege (e.g. through sudo rules).
 */
public final class PrivilegeCheck {
    private PrivilegeCheck() {
    }

    public static void verify(ZeusdConfig config, boolean gpuControlOverridden) {
        if (config.simulate() || config.allowUnprivileged()) {
            return;
        }
        OptionalLong euid = effectiveUid(Path.of("/proc/self/status"));
        if (euid.isPresent()) {
            verify(config.enabledGroups(), gpuControlOverridden, euid.getAsLong());
        }
    }

    static void verify(Set<ApiGroup> enabled, boolean gpuControlOverridden, long euid) {
        if (euid == 0) {
            return;
        }
        for (ApiGroup group : ApiGroup.values()) {
            if (group == ApiGroup.GPU_CONTROL && gpuControlOverridden) {
                continue;
            }
            if (group.requiresRoot() && enabled.contains(group)) {
                String fix = gpuControlOverridden ? "--enable gpu-control,gpu-read" : "--enable gpu-read";
                throw new StartupException("API group '" + group.wireName() + "' requires root but zeusd runs as uid "
                        + euid + "; run it with sudo, or enable only groups that need no root (" + fix + ").");
            }
        }
    }

    /** Whether this process runs as root; true where that cannot be told (not Linux). */
    public static boolean runsAsRoot() {
        return effectiveUid(Path.of("/proc/self/status")).orElse(0) == 0;
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
