package dev.zeusd.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The API groups that {@code --enable} switches on, in the canonical order /discover lists them. */
public enum ApiGroup {
    GPU_CONTROL(Names.GPU_CONTROL, true, Descriptions.GPU_CONTROL),
    GPU_READ(Names.GPU_READ, false, Descriptions.GPU_READ),
    CPU_READ(Names.CPU_READ, true, Descriptions.CPU_READ);

    /** The wire names as compile-time constants, for {@code @RolesAllowed}: a token's scopes are its roles. */
    public static final class Names {
        public static final String GPU_CONTROL = "gpu-control";
        public static final String GPU_READ = "gpu-read";
        public static final String CPU_READ = "cpu-read";

        private Names() {
        }
    }

    /** One description per group, as compile-time constants: the {@code --enable} and {@code --scope} help uses them. */
    public static final class Descriptions {
        public static final String GPU_CONTROL =
                "GPU control operations (set power limit, clocks, persistence mode). Requires root";
        public static final String GPU_READ = "GPU read operations (power reading, energy consumption)";
        public static final String CPU_READ = "CPU RAPL read operations (energy, power). Requires root";

        private Descriptions() {
        }
    }

    private final String wireName;
    private final boolean requiresRoot;
    private final String description;

    ApiGroup(String wireName, boolean requiresRoot, String description) {
        this.wireName = wireName;
        this.requiresRoot = requiresRoot;
        this.description = description;
    }

    public String wireName() {
        return wireName;
    }

    public boolean requiresRoot() {
        return requiresRoot;
    }

    public String description() {
        return description;
    }

    public boolean needsGpus() {
        return this != CPU_READ;
    }

    public static ApiGroup fromWireName(String name) {
        String trimmed = name.trim();
        for (ApiGroup group : values()) {
            if (group.wireName.equals(trimmed)) {
                return group;
            }
        }
        throw new IllegalArgumentException("unknown API group '" + trimmed + "' (valid: " + validNames() + ")");
    }

    public static String validNames() {
        return Arrays.stream(values()).map(ApiGroup::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
