package dev.zeusd.service.gpu;

import java.util.Map;

import dev.zeusd.device.GpuDevice;

/** A control operation on one GPU, as the API received it. */
public sealed interface GpuCommand {
    /** The operation's wire name, e.g. {@code set_power_limit}. */
    String operation();

    void execute(GpuDevice gpu);

    /** The requested values as {@code name=value} pairs, for the audit trail; empty for resets. */
    default String arguments() {
        return "";
    }

    /**
     * The requested values as an override command's placeholders ({@code power_limit_w}, {@code enabled} as 1/0,
     * ...), without {@code gpu_id}; empty for resets.
     */
    default Map<String, String> placeholderValues() {
        return Map.of();
    }

    /** The setting this command is about to change, where the device can report it; for the audit trail. */
    default String previousValue(GpuDevice gpu) {
        return null;
    }

    record SetPowerLimit(long powerLimitMw) implements GpuCommand {
        public String operation() {
            return "set_power_limit";
        }

        public void execute(GpuDevice gpu) {
            gpu.setPowerLimitMw(powerLimitMw);
        }

        public Map<String, String> placeholderValues() {
            return Map.of("power_limit_mw", Long.toString(powerLimitMw), "power_limit_w",
                    Long.toString(powerLimitMw / 1000));
        }

        public String arguments() {
            return "power_limit_mw=" + powerLimitMw;
        }

        public String previousValue(GpuDevice gpu) {
            return "power_limit_mw=" + gpu.powerLimitMw();
        }
    }

    record SetPersistenceMode(boolean enabled) implements GpuCommand {
        public String operation() {
            return "set_persistence_mode";
        }

        public void execute(GpuDevice gpu) {
            gpu.setPersistenceMode(enabled);
        }

        public Map<String, String> placeholderValues() {
            return Map.of("enabled", enabled ? "1" : "0");
        }

        public String arguments() {
            return "enabled=" + enabled;
        }

        public String previousValue(GpuDevice gpu) {
            return "enabled=" + gpu.persistenceMode();
        }
    }

    record SetGpuLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public String operation() {
            return "set_gpu_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.setGpuLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> placeholderValues() {
            return Map.of("min_clock_mhz", Long.toString(minClockMhz), "max_clock_mhz", Long.toString(maxClockMhz));
        }

        public String arguments() {
            return "min_clock_mhz=" + minClockMhz + " max_clock_mhz=" + maxClockMhz;
        }
    }

    record ResetGpuLockedClocks() implements GpuCommand {
        public String operation() {
            return "reset_gpu_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.resetGpuLockedClocks();
        }
    }

    record SetMemLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public String operation() {
            return "set_mem_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.setMemLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> placeholderValues() {
            return Map.of("min_clock_mhz", Long.toString(minClockMhz), "max_clock_mhz", Long.toString(maxClockMhz));
        }

        public String arguments() {
            return "min_clock_mhz=" + minClockMhz + " max_clock_mhz=" + maxClockMhz;
        }
    }

    record ResetMemLockedClocks() implements GpuCommand {
        public String operation() {
            return "reset_mem_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.resetMemLockedClocks();
        }
    }

    /** Every clock domain back to default (upstream's {@code reset_locked_clocks}). */
    record ResetLockedClocks() implements GpuCommand {
        public String operation() {
            return "reset_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.resetLockedClocks();
        }
    }
}
