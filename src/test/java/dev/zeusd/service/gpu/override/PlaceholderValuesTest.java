package dev.zeusd.service.gpu.override;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/** What each API command fills into its override's placeholders. */
class PlaceholderValuesTest {
    private static Map<String, String> values(int gpuId, GpuCommand command) {
        Map<String, String> values = new HashMap<>(command.placeholderValues());
        values.put(CommandOverride.GPU_ID, Integer.toString(gpuId));
        return values;
    }

    @Test
    void powerLimitInMilliwattsAndWholeWatts() {
        assertEquals("--gpu=3:253999:253", Placeholders.substitute("--gpu={gpu_id}:{power_limit_mw}:{power_limit_w}",
                values(3, new GpuCommand.SetPowerLimit(253_999))));
    }

    @Test
    void enabledIsOneOrZero() {
        assertEquals("5:1", Placeholders.substitute("{gpu_id}:{enabled}", values(5, new GpuCommand.SetPersistenceMode(true))));
        assertEquals("--pm=0", Placeholders.substitute("--pm={enabled}", values(5, new GpuCommand.SetPersistenceMode(false))));
    }

    @Test
    void clockRangeAndTextAroundIt() {
        assertEquals("lock-4-500..1700-end", Placeholders.substitute("lock-{gpu_id}-{min_clock_mhz}..{max_clock_mhz}-end",
                values(4, new GpuCommand.SetMemLockedClocks(500, 1700))));
        assertEquals("plain", Placeholders.substitute("plain", values(0, new GpuCommand.ResetLockedClocks())));
    }

    /** The load-time check and the run-time values must agree, or a validated command could not be filled in. */
    @Test
    void everyCommandFillsExactlyThePlaceholdersItsOperationAllows() {
        List<GpuCommand> commands = List.of(new GpuCommand.SetPersistenceMode(true), new GpuCommand.SetPowerLimit(1),
                new GpuCommand.SetGpuLockedClocks(1, 2), new GpuCommand.ResetGpuLockedClocks(),
                new GpuCommand.SetMemLockedClocks(1, 2), new GpuCommand.ResetMemLockedClocks(),
                new GpuCommand.ResetLockedClocks());
        Set<String> operations = new HashSet<>();
        for (GpuCommand command : commands) {
            Operation operation = command.operation();
            operations.add(operation.wireName());
            assertEquals(Set.copyOf(Placeholders.names(operation)), values(0, command).keySet(), operation.wireName());
        }
        assertEquals(Operation.values().length, operations.size());
    }
}
