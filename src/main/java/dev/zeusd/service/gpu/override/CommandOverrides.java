package dev.zeusd.service.gpu.override;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The operations that run commands instead of the device call; the other operations still go to the device. */
public final class CommandOverrides {
    private final Map<OverridableOperation, CommandOverride> byOperation;

    CommandOverrides(Map<OverridableOperation, CommandOverride> byOperation) {
        this.byOperation = byOperation.isEmpty() ? Map.of() : new EnumMap<>(byOperation);
    }

    public static CommandOverrides none() {
        return new CommandOverrides(Map.of());
    }

    /** The override for an API operation name such as {@code set_power_limit}, if the file has one. */
    public Optional<CommandOverride> forOperation(String wireName) {
        return OverridableOperation.fromWireName(wireName).map(byOperation::get);
    }

    public boolean isEmpty() {
        return byOperation.isEmpty();
    }

    /** The overridden operations' names, in the order of the API. */
    public List<String> operationNames() {
        return byOperation.keySet().stream().map(OverridableOperation::wireName).toList();
    }
}
