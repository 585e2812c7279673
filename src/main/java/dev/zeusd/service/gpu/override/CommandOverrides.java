package dev.zeusd.service.gpu.override;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/** The operations that run commands instead of the device call; the other operations still go to the device. */
public final class CommandOverrides {
    private final Map<Operation, CommandOverride> byOperation;

    CommandOverrides(Map<Operation, CommandOverride> byOperation) {
        this.byOperation = byOperation.isEmpty() ? Map.of() : new EnumMap<>(byOperation);
    }

    public static CommandOverrides none() {
        return new CommandOverrides(Map.of());
    }

    /** The override for {@code operation}, if the file has one. */
    public Optional<CommandOverride> forOperation(Operation operation) {
        return Optional.ofNullable(byOperation.get(operation));
    }

    /** The whole table, unmodifiable: for the control road, which looks an operation up on every call. */
    public Map<Operation, CommandOverride> byOperation() {
        return Collections.unmodifiableMap(byOperation);
    }

    public boolean isEmpty() {
        return byOperation.isEmpty();
    }

    /** The overridden operations' names, in the order of the API. */
    public List<String> operationNames() {
        return byOperation.keySet().stream().map(Operation::wireName).toList();
    }
}
