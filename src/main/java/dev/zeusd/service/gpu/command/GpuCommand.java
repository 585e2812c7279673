package dev.zeusd.service.gpu.command;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.zeusd.device.GpuDevice;

/**
 * A control operation on one GPU with the values the API received. Everything about a control operation is in this
 * file: what it is ({@link Operation}: wire name, query parameters, override placeholders, the settings it changes),
 * the settings themselves ({@link Setting}: journal name, how to read them), and one record per operation with its
 * values and its device call. The API, the overrides, the audit trail and the restore all read it from here, so a
 * new operation added here gets all four or fails {@code GpuCommandDescriptionTest}.
 */
public sealed interface GpuCommand {
    Operation operation();

    void execute(GpuDevice gpu);

    /** The query parameters' values as received, keyed in {@link Operation#queryParameters()} order. */
    default Map<String, String> parameters() {
        return Map.of();
    }

    /**
     * The values of the operation's override placeholders ({@code power_limit_w}, {@code enabled} as 1/0, ...),
     * without {@code gpu_id}: the query parameters unless the operation offers more forms of them.
     */
    default Map<String, String> placeholderValues() {
        return parameters();
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

    /**
     * The control operations, each described once: its wire name (the endpoint {@code /gpu/<name>} and the override
     * file's table), its query parameters besides {@code gpu_ids} and {@code block}, the placeholders an override
     * command may use besides {@code {gpu_id}}, and the settings it changes.
     */
    enum Operation {
        SET_PERSISTENCE_MODE("set_persistence_mode", List.of("enabled"), List.of("enabled"),
                EnumSet.of(Setting.PERSISTENCE_MODE)),
        SET_POWER_LIMIT("set_power_limit", List.of("power_limit_mw"), List.of("power_limit_mw", "power_limit_w"),
                EnumSet.of(Setting.POWER_LIMIT)),
        SET_GPU_LOCKED_CLOCKS("set_gpu_locked_clocks", Clocks.RANGE, Clocks.RANGE,
                EnumSet.of(Setting.GPU_LOCKED_CLOCKS)),
        RESET_GPU_LOCKED_CLOCKS("reset_gpu_locked_clocks", List.of(), List.of(),
                EnumSet.of(Setting.GPU_LOCKED_CLOCKS)),
        SET_MEM_LOCKED_CLOCKS("set_mem_locked_clocks", Clocks.RANGE, Clocks.RANGE,
                EnumSet.of(Setting.MEM_LOCKED_CLOCKS)),
        RESET_MEM_LOCKED_CLOCKS("reset_mem_locked_clocks", List.of(), List.of(),
                EnumSet.of(Setting.MEM_LOCKED_CLOCKS)),
        /** Every clock domain back to default (upstream's {@code reset_locked_clocks}). */
        RESET_LOCKED_CLOCKS("reset_locked_clocks", List.of(), List.of(),
                EnumSet.of(Setting.GPU_LOCKED_CLOCKS, Setting.MEM_LOCKED_CLOCKS));

        private final String wireName;
        private final List<String> queryParameters;
        private final List<String> placeholders;
        private final Set<Setting> changes;

        Operation(String wireName, List<String> queryParameters, List<String> placeholders, Set<Setting> changes) {
            this.wireName = wireName;
            this.queryParameters = queryParameters;
            this.placeholders = placeholders;
            this.changes = changes;
        }

        /** The endpoint's last path segment and the override file's table name, e.g. {@code set_power_limit}. */
        public String wireName() {
            return wireName;
        }

        /** The query parameters besides {@code gpu_ids} and {@code block}, in the audit line's order. */
        public List<String> queryParameters() {
            return queryParameters;
        }

        /** The placeholders an override command of this operation may use, besides {@code {gpu_id}}. */
        public List<String> placeholders() {
            return placeholders;
        }

        /** The settings this operation writes. */
        public Set<Setting> changes() {
            return changes;
        }

        /** A reset only puts settings back to their default: it records no original to restore. */
        public boolean isReset() {
            return wireName.startsWith("reset_");
        }

        /** The one setting this operation changes whose value the device reports, for the audit line's previous=. */
        public Optional<Setting> readableSetting() {
            return changes.size() == 1 ? changes.stream().filter(Setting::readable).findFirst() : Optional.empty();
        }

        public static Optional<Operation> fromWireName(String name) {
            return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
        }
    }

    /**
     * A GPU setting that zeusd can put back: its journal name and how to read its current value. NVML cannot read
     * locked clocks back, so their original is always {@value #UNLOCKED} and restoring them is the reset call.
     */
    enum Setting {
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
            return Arrays.stream(values()).filter(s -> s.journalName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown setting '" + name + "'"));
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

    /** The query parameters of the two clock-locking operations. */
    final class Clocks {
        public static final String MIN = "min_clock_mhz";
        public static final String MAX = "max_clock_mhz";
        static final List<String> RANGE = List.of(MIN, MAX);

        private Clocks() {
        }

        static Map<String, String> range(long min, long max) {
            Map<String, String> map = new LinkedHashMap<>();
            map.put(MIN, Long.toString(min));
            map.put(MAX, Long.toString(max));
            return map;
        }
    }

    record SetPowerLimit(long powerLimitMw) implements GpuCommand {
        public Operation operation() {
            return Operation.SET_POWER_LIMIT;
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
        public Operation operation() {
            return Operation.SET_PERSISTENCE_MODE;
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
        public Operation operation() {
            return Operation.SET_GPU_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.setGpuLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> parameters() {
            return Clocks.range(minClockMhz, maxClockMhz);
        }
    }

    record ResetGpuLockedClocks() implements GpuCommand {
        public Operation operation() {
            return Operation.RESET_GPU_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetGpuLockedClocks();
        }
    }

    record SetMemLockedClocks(long minClockMhz, long maxClockMhz) implements GpuCommand {
        public Operation operation() {
            return Operation.SET_MEM_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.setMemLockedClocks(minClockMhz, maxClockMhz);
        }

        public Map<String, String> parameters() {
            return Clocks.range(minClockMhz, maxClockMhz);
        }
    }

    record ResetMemLockedClocks() implements GpuCommand {
        public Operation operation() {
            return Operation.RESET_MEM_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetMemLockedClocks();
        }
    }

    record ResetLockedClocks() implements GpuCommand {
        public Operation operation() {
            return Operation.RESET_LOCKED_CLOCKS;
        }

        public void execute(GpuDevice gpu) {
            gpu.resetLockedClocks();
        }
    }
}
