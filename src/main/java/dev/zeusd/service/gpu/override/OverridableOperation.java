package dev.zeusd.service.gpu.override;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The seven GPU control operations an override file may replace, with the placeholders each one fills in. */
public enum OverridableOperation {
    SET_PERSISTENCE_MODE("set_persistence_mode", "enabled"),
    SET_POWER_LIMIT("set_power_limit", "power_limit_mw", "power_limit_w"),
    SET_GPU_LOCKED_CLOCKS("set_gpu_locked_clocks", "min_clock_mhz", "max_clock_mhz"),
    RESET_GPU_LOCKED_CLOCKS("reset_gpu_locked_clocks"),
    SET_MEM_LOCKED_CLOCKS("set_mem_locked_clocks", "min_clock_mhz", "max_clock_mhz"),
    RESET_MEM_LOCKED_CLOCKS("reset_mem_locked_clocks"),
    RESET_LOCKED_CLOCKS("reset_locked_clocks");

    /** Every operation knows the GPU it runs for. */
    public static final String GPU_ID = "gpu_id";

    private final String wireName;
    private final List<String> placeholders;

    OverridableOperation(String wireName, String... own) {
        this.wireName = wireName;
        List<String> names = new ArrayList<>();
        names.add(GPU_ID);
        names.addAll(Arrays.asList(own));
        this.placeholders = List.copyOf(names);
    }

    /** The table name in the file, which is also the API's operation name. */
    public String wireName() {
        return wireName;
    }

    /** The placeholder names (without braces) this operation substitutes, {@code gpu_id} first. */
    public List<String> placeholders() {
        return placeholders;
    }

    /** {@code {gpu_id}, {enabled}}, for messages. */
    String placeholderList() {
        return placeholders.stream().map(name -> "{" + name + "}").collect(Collectors.joining(", "));
    }

    public static Optional<OverridableOperation> fromWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst();
    }

    static String wireNames() {
        return Arrays.stream(values()).map(OverridableOperation::wireName).collect(Collectors.joining(", "));
    }
}
