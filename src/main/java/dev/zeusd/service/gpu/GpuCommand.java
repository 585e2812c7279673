package dev.zeusd.service.gpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.gpu.operation.GpuOperation;
import dev.zeusd.service.gpu.restore.Setting;

/**
 * A control operation on one GPU with the values the API received. What the operation is (its name, parameters,
 * placeholders and settings) is {@link #operation()}; a command adds only its values and the device call.
 */
public sealed interface GpuCommand {
    GpuOperation operation();

    void execute(GpuDevice gpu);

    /** The query parameters' values as received, keyed in {@link GpuOperation#queryParameters()} order. */
    default Map<String, String> parameters() {
        return Map.of();
    }

    /**
     * The values of the operation's override placeholders ({@code power_limit_w}, {@code enabled} as 1/0, ...),
     * without {@code gpu_id}.
     */
    default Map<String, String> placeholderValues() {
        return Map.of();
    }

    /** The requested values as {@code name=value} pairs, for the audit trail; empty for resets. */
    default String arguments() {
        return parameters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** The command that sets {@code setting} back to {@code original} (a journalled value; clocks: the reset). */
    static GpuCommand restoring(Setting setting, Object original) {
        return switch (setting) {
            case POWER_LIMIT -> new SetPowerLimit(((Number) original).longValue());
            case PERSISTENCE_MODE -> new SetPersistenceMode((Boolean) original);
            case GPU_LOCKED_CLOCKS -> new ResetGpuLockedClocks();
            case MEM_LOCKED_CLOCKS -> new ResetMemLockedClocks();
        };
    }

    private static Map<String, String> ordered(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    record SetPowerLimit(long powerLimitMw) implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.SET_POWER_LIMIT;
        }

        public void execute(GpuDevice gpu) {
            gpu.setPowerLimitMw(powerLimitMw);
        }

        public Map<String, String> parameters() {
            return Map.of("power_limit_mw", Long.toString(powerLimitMw));
        }

        public Map<String, String> placeholderValues() {
            return Map.of("power_limit_mw", Long.toString(powerLimitMw), "power_limit_w",
                    Long.toString(powerLimitMw / 1000));
        }
    }

    record SetPersistenceMode(boolean enabled) implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.SET_PERSISTENCE_MODE;
        }

        public void execute(GpuDevice gpu) {
            gpu.setPersistenceMode(enabled);
        }

        public Map<String, String> parameters() {
            return Map.of("enabled", Boolean.toString(enabled));
        }

        public Map<String, String> placeholderValues() {
            return Map.of("enabled", enabled ? "1" : "0");
        }
    }

    record SetGpuLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.SET_GPU_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.setGpuLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> parameters() {
            return ordered(GpuOperation.Clocks.MIN, Long.toString(minClockMhz), GpuOperation.Clocks.MAX,
                    Long.toString(maxClockMhz));
        }

        public Map<String, String> placeholderValues() {
            return parameters();
        }
    }

    record ResetGpuLockedClocks() implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.RESET_GPU_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetGpuLockedClocks();
        }
    }

    record SetMemLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.SET_MEM_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.setMemLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> parameters() {
            return ordered(GpuOperation.Clocks.MIN, Long.toString(minClockMhz), GpuOperation.Clocks.MAX,
                    Long.toString(maxClockMhz));
        }

        public Map<String, String> placeholderValues() {
            return parameters();
        }
    }

    record ResetMemLockedClocks() implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.RESET_MEM_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetMemLockedClocks();
        }
    }

    record ResetLockedClocks() implements GpuCommand {
        public GpuOperation operation() {
            return GpuOperation.RESET_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetLockedClocks();
        }
    }
}
