package dev.zeusd.service.gpu.restore;

import java.util.EnumSet;
import java.util.Set;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.gpu.GpuCommand;

/**
 * A GPU setting that zeusd can put back: its journal name, how to read its current value, which commands change it,
 * and the command that restores a recorded original. NVML cannot read locked clocks back, so their original is always
 * {@value #UNLOCKED} and restoring them is the reset call.
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

    /** The settings {@code command} writes. */
    public static Set<Setting> changedBy(GpuCommand command) {
        if (command instanceof GpuCommand.SetPowerLimit) {
            return EnumSet.of(POWER_LIMIT);
        } else if (command instanceof GpuCommand.SetPersistenceMode) {
            return EnumSet.of(PERSISTENCE_MODE);
        } else if (command instanceof GpuCommand.SetGpuLockedClocks || command instanceof GpuCommand.ResetGpuLockedClocks) {
            return EnumSet.of(GPU_LOCKED_CLOCKS);
        } else if (command instanceof GpuCommand.SetMemLockedClocks || command instanceof GpuCommand.ResetMemLockedClocks) {
            return EnumSet.of(MEM_LOCKED_CLOCKS);
        } else if (command instanceof GpuCommand.ResetLockedClocks) {
            return EnumSet.of(GPU_LOCKED_CLOCKS, MEM_LOCKED_CLOCKS);
        }
        return EnumSet.noneOf(Setting.class);
    }

    /** Whether {@code command} only puts this setting back to its default (a clock reset): it records no original. */
    public static boolean isReset(GpuCommand command) {
        return command instanceof GpuCommand.ResetGpuLockedClocks || command instanceof GpuCommand.ResetMemLockedClocks
                || command instanceof GpuCommand.ResetLockedClocks;
    }

    /** The value now on {@code gpu}: a Long (mW), a Boolean, or {@value #UNLOCKED}. */
    public Object readCurrent(GpuDevice gpu) {
        return switch (this) {
            case POWER_LIMIT -> gpu.powerLimitMw();
            case PERSISTENCE_MODE -> gpu.persistenceMode();
            case GPU_LOCKED_CLOCKS, MEM_LOCKED_CLOCKS -> UNLOCKED;
        };
    }

    /** The command that sets this setting back to {@code original}. */
    public GpuCommand restoreCommand(Object original) {
        return switch (this) {
            case POWER_LIMIT -> new GpuCommand.SetPowerLimit(((Number) original).longValue());
            case PERSISTENCE_MODE -> new GpuCommand.SetPersistenceMode((Boolean) original);
            case GPU_LOCKED_CLOCKS -> new GpuCommand.ResetGpuLockedClocks();
            case MEM_LOCKED_CLOCKS -> new GpuCommand.ResetMemLockedClocks();
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
