package dev.zeusd.service.gpu;

import dev.zeusd.device.GpuDevice;

/** A control operation on one GPU, as the API received it. */
public sealed interface GpuCommand {
    /** The operation's wire name, e.g. {@code set_power_limit}. */
    String operation();

    void execute(GpuDevice gpu);

    record SetPowerLimit(long powerLimitMw) implements GpuCommand {
        public String operation() {
            return "set_power_limit";
        }

        public void execute(GpuDevice gpu) {
            gpu.setPowerLimitMw(powerLimitMw);
        }
    }

    record SetPersistenceMode(boolean enabled) implements GpuCommand {
        public String operation() {
            return "set_persistence_mode";
        }

        public void execute(GpuDevice gpu) {
            gpu.setPersistenceMode(enabled);
        }
    }

    record SetGpuLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public String operation() {
            return "set_gpu_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.setGpuLockedClocks(minClockMhz, maxClockMhz);
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
    }

    record ResetMemLockedClocks() implements GpuCommand {
        public String operation() {
            return "reset_mem_locked_clocks";
        }

        public void execute(GpuDevice gpu) {
            gpu.resetMemLockedClocks();
        }
    }
}
