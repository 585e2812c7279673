package dev.zeusd.service.gpu;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.override.CommandOverride;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.ClientProcess;
import dev.zeusd.service.gpu.restore.RestorePolicy;

/**
 * Runs control commands, on the GPU's worker, in one order for API calls and restores alike: the journal records the
 * original setting, then the audited call goes to the device or to the override's commands, then the caller owns
 * what it changed. A restore is the same call without the journal and ownership steps ({@link SettingsKeeper} says
 * what to restore; this runs it).
 */
final class ControlExecutor {
    private final CommandOverrides overrides;
    private final ControlAudit audit;
    private final SettingsKeeper keeper;

    ControlExecutor(DeviceWorkers<GpuDevice> workers, CommandOverrides overrides, ControlAudit audit,
            RestorePolicy restore) {
        this.overrides = overrides;
        this.audit = audit;
        this.keeper = new SettingsKeeper(workers, this::restore, restore);
    }

    SettingsKeeper keeper() {
        return keeper;
    }

    /** An API call: journal, audit, device or override, ownership. */
    Boolean apply(ControlAudit.Entry entry, int gpuId, GpuDevice gpu, GpuCommand command,
            Optional<ClientProcess> client) {
        audit.around(entry, gpu, () -> {
            keeper.beforeChange(gpuId, gpu, command);
            return execute(gpuId, gpu, command);
        });
        keeper.changed(gpuId, command, client);
        return Boolean.TRUE;
    }

    /** A restore: audited as {@code caller=zeusd} with its reason in {@code context}. */
    private void restore(int gpuId, GpuDevice gpu, GpuCommand command, Map<String, String> context) {
        audit.around(gpuId, gpu, command, "zeusd", context, () -> execute(gpuId, gpu, command));
    }

    /**
     * The device call, or the override's commands if the override file has some for the operation. Returns what the
     * audit line adds: the commands run, with their status.
     */
    private Map<String, String> execute(int gpuId, GpuDevice gpu, GpuCommand command) {
        Optional<CommandOverride> override = overrides.forOperation(command.operation());
        if (override.isEmpty()) {
            command.execute(gpu);
            return Map.of();
        }
        Map<String, String> values = new HashMap<>(command.placeholderValues());
        values.put(CommandOverride.GPU_ID, Integer.toString(gpuId));
        return Map.of("override", override.get().run(values));
    }
}
