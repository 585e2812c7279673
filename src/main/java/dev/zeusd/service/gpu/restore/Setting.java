package dev.zeusd.service.gpu.restore;

import dev.zeusd.device.GpuDevice;

/**
 * A GPU setting that zeusd can put back: its journal name and how to read its current value. Which operations change
 * it is said by each {@code GpuOperation}; the command that restores it by {@code GpuCommand.restoring}. NVML cannot
 * read locked clocks back, so their original is always {@value #UNLOCKED} and restoring them is the reset call.
 */
public enum Setting {
    POWER_LIMIT("power_limit_mw"), PERSISTENCE_MODE("persistence_mode"), GPU_LOCKED_CLOCKS("gpu_locked_clocks"),
    MEM_LOCKED_CLOCKS("mem_locked_clocks");

    public static final String UNLOCKED = "unlocked";

    private final String journalName;

    Setting(String journalName) {
        this.journalName = journalName;
    }

    public String journalName() {
        return journalName;
    }

    public static Setting fromJournalName(String name) {
        for (Setting setting : values()) {
            if (setting.journalName.equals(name)) {
                return setting;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + name + "'");
    }

    /** Whether the device can report this setting's value (NVML cannot read locked clocks back). */
    public boolean readable() {
        return this == POWER_LIMIT || this == PERSISTENCE_MODE;
    }

    /** The value now on {@code gpu}: a Long (mW), a Boolean, or {@value #UNLOCKED}. */
    public Object readCurrent(GpuDevice gpu) {
        return switch (this) {
            case POWER_LIMIT -> gpu.powerLimitMw();
            case PERSISTENCE_MODE -> gpu.persistenceMode();
            case GPU_LOCKED_CLOCKS, MEM_LOCKED_CLOCKS -> UNLOCKED;
        };
    }

    /** Whether {@code value} is a possible original of this setting (for reading the journal). */
    public boolean accepts(Object value) {
        return switch (this) {
            case POWER_LIMIT -> value instanceof Long l && l >= 0;
            case PERSISTENCE_MODE -> value instanceof Boolean;
            case GPU_LOCKED_CLOCKS, MEM_LOCKED_CLOCKS -> UNLOCKED.equals(value);
        };
    }
}
