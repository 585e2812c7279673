package dev.zeusd.service.gpu.operation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.zeusd.service.gpu.restore.Setting;

/**
 * The GPU control operations, each described once: its wire name (the endpoint {@code /gpu/<name>} and the override
 * file's table), its query parameters besides {@code gpu_ids} and {@code block}, the placeholders an override command
 * may use besides {@code {gpu_id}}, and the settings it changes (what the restore journal records and puts back).
 * {@link GpuCommand} carries the values; the API, the overrides, the audit trail and the restore all read this.
 */
public enum GpuOperation {
    SET_PERSISTENCE_MODE("set_persistence_mode", List.of("enabled"), List.of("enabled"),
            EnumSet.of(Setting.PERSISTENCE_MODE)),
    SET_POWER_LIMIT("set_power_limit", List.of("power_limit_mw"), List.of("power_limit_mw", "power_limit_w"),
            EnumSet.of(Setting.POWER_LIMIT)),
    SET_GPU_LOCKED_CLOCKS("set_gpu_locked_clocks", Clocks.RANGE, Clocks.RANGE, EnumSet.of(Setting.GPU_LOCKED_CLOCKS)),
    RESET_GPU_LOCKED_CLOCKS("reset_gpu_locked_clocks", List.of(), List.of(), EnumSet.of(Setting.GPU_LOCKED_CLOCKS)),
    SET_MEM_LOCKED_CLOCKS("set_mem_locked_clocks", Clocks.RANGE, Clocks.RANGE, EnumSet.of(Setting.MEM_LOCKED_CLOCKS)),
    RESET_MEM_LOCKED_CLOCKS("reset_mem_locked_clocks", List.of(), List.of(), EnumSet.of(Setting.MEM_LOCKED_CLOCKS)),
    /** Every clock domain back to default (upstream's {@code reset_locked_clocks}). */
    RESET_LOCKED_CLOCKS("reset_locked_clocks", List.of(), List.of(),
            EnumSet.of(Setting.GPU_LOCKED_CLOCKS, Setting.MEM_LOCKED_CLOCKS));

    /** The query parameters of the two clock-locking operations. */
    public static final class Clocks {
        public static final String MIN = "min_clock_mhz";
        public static final String MAX = "max_clock_mhz";
        static final List<String> RANGE = List.of(MIN, MAX);

        private Clocks() {
        }
    }

    private final String wireName;
    private final List<String> queryParameters;
    private final List<String> placeholders;
    private final Set<Setting> changes;

    GpuOperation(String wireName, List<String> queryParameters, List<String> placeholders, Set<Setting> changes) {
        this.wireName = wireName;
        this.queryParameters = queryParameters;
        this.placeholders = placeholders;
        this.changes = changes;
    }

    /** The endpoint's last path segment and the override file's table name, e.g. {@code set_power_limit}. */
    public String wireName() {
        return wireName;
    }

    /** The query parameters the endpoint takes besides {@code gpu_ids} and {@code block}, in the audit line's order. */
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

    /** The one setting this operation changes whose value the device can report, for the audit line's previous=. */
    public Optional<Setting> readableSetting() {
        return changes.size() == 1 ? changes.stream().filter(Setting::readable).findFirst() : Optional.empty();
    }

    public static Optional<GpuOperation> fromWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
    }
}
