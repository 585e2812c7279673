package dev.zeusd.service.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/**
 * A control operation is described once, by its {@link Operation}; each {@link GpuCommand} must fill in exactly
 * what its operation declares, or the audit, the overrides or the restore would silently miss it.
 */
class GpuCommandDescriptionTest {
    /** One instance of every command class, built with zero values through its record constructor. */
    static List<GpuCommand> everyCommand() throws Exception {
        List<GpuCommand> commands = new ArrayList<>();
        for (Class<?> type : GpuCommand.class.getPermittedSubclasses()) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = types[i] == boolean.class ? Boolean.FALSE : Long.valueOf(0);
            }
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            commands.add((GpuCommand) constructor.newInstance(values));
        }
        return commands;
    }

    @Test
    void everyCommandFillsInExactlyWhatItsOperationDeclares() throws Exception {
        for (GpuCommand command : everyCommand()) {
            Operation operation = command.operation();
            assertNotNull(operation, command.getClass().getSimpleName() + " names no operation");
            assertEquals(operation.queryParameters(), List.copyOf(command.parameters().keySet()),
                    operation.wireName() + ": parameters");
            assertEquals(Set.copyOf(operation.placeholders()), command.placeholderValues().keySet(),
                    operation.wireName() + ": override placeholders");
            assertFalse(operation.changes().isEmpty(), operation.wireName() + " changes no setting to restore");
        }
    }

    @Test
    void everyOperationHasExactlyOneCommand() throws Exception {
        Set<Operation> seen = EnumSet.noneOf(Operation.class);
        for (GpuCommand command : everyCommand()) {
            assertEquals(true, seen.add(command.operation()), command.operation() + " has two command classes");
        }
        assertEquals(EnumSet.allOf(Operation.class), seen);
    }

    @Test
    void aRestoreCommandChangesTheSettingItRestores() {
        for (Operation operation : Operation.values()) {
            operation.changes().forEach(setting -> {
                Object original = setting.readable() ? (setting.journalName().startsWith("power") ? (Object) 1L : true)
                        : GpuCommand.Setting.UNLOCKED;
                assertEquals(true, GpuCommand.restoring(setting, original).operation().changes().contains(setting),
                        setting.journalName());
            });
        }
    }
}
