package dev.zeusd.service.gpu;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.DeviceTimeoutException;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.command.GpuCommand.Operation;
import dev.zeusd.service.gpu.command.GpuCommand.Setting;
import dev.zeusd.service.gpu.override.CommandOverride;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.Owners;
import dev.zeusd.service.gpu.restore.Owners.ClientProcess;
import dev.zeusd.service.gpu.restore.RestoreJournal;
import dev.zeusd.service.gpu.restore.RestoreJournal.SettingKey;
import dev.zeusd.service.gpu.restore.RestorePolicy;

/**
 * The road of a GPU control call, in one class: on the GPU's worker, the journal records the original of each setting
 * the command changes for the first time, then the audited call goes to the device or to the override's commands,
 * then the caller owns what it changed. A restore ({@link SettingsKeeper} says which) is the same audited call without
 * the journal and ownership steps. Every call has the device timeout as its deadline; one that misses it is audited as
 * {@code outcome=timeout}.
 */
public final class GpuControl {
    private static final Logger LOG = Logger.getLogger(GpuControl.class);

    private final DeviceWorkers<GpuDevice> workers;
    /** The override file's table, taken once: a call without an override never enters the override code. */
    private final Map<Operation, CommandOverride> overrides;
    private final ControlAudit audit;
    private final SettingsKeeper keeper;
    private final boolean journals;
    private final boolean tracksClients;
    private final RestoreJournal journal;
    private final Owners owners;

    GpuControl(DeviceWorkers<GpuDevice> workers, CommandOverrides overrides, ControlAudit audit,
            RestorePolicy restore) {
        this.workers = workers;
        this.overrides = overrides.byOperation();
        this.audit = audit;
        // this::restore escapes before the fields below are set: it uses only audit and overrides, set above
        this.keeper = new SettingsKeeper(workers, this::restore, restore);
        this.journals = restore.journals();
        this.tracksClients = restore.onClientExit();
        this.journal = keeper.journal();
        this.owners = keeper.owners();
    }

    SettingsKeeper keeper() {
        return keeper;
    }

    /** The GPU ids, ascending. */
    public SortedSet<Integer> ids() {
        return workers.ids();
    }

    /** Whether control calls should name their client process (only then is it worth looking up). */
    public boolean restoresOnClientExit() {
        return tracksClients;
    }

    /**
     * With {@code block}, completes once every GPU ran the command, failing with {@link DeviceFailures} if any did
     * not. Without, completes once the command is queued on every GPU; execution errors are then only logged.
     * Every execution writes one audit line naming {@code caller}.
     */
    public CompletionStage<Void> run(Collection<Integer> ids, GpuCommand command, boolean block, String caller) {
        return run(ids, command, block, caller, Optional.empty());
    }

    /**
     * As above; {@code client} is the calling process where the transport knows it (the Unix socket): with
     * {@code --restore-on-client-exit} it then owns the settings it changed until someone else changes them.
     */
    public CompletionStage<Void> run(Collection<Integer> ids, GpuCommand command, boolean block, String caller,
            Optional<ClientProcess> client) {
        if (block) {
            return DeviceWorkers.gather(ids, id -> start(id, command, caller, client)).thenApply(done -> null);
        }
        SortedMap<Integer, DeviceException> notQueued = new TreeMap<>();
        for (int id : ids) {
            CompletableFuture<Boolean> queued = start(id, command, caller, client);
            if (queued.isCompletedExceptionally()) {
                notQueued.put(id, DeviceWorkers.asDeviceException(id, queued.handle((ok, e) -> e).join()));
                continue;
            }
            queued.whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.warnf("Non-blocking %s on GPU %d failed: %s", command, id, error.getMessage());
                }
            });
        }
        return notQueued.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new DeviceFailures(notQueued));
    }

    /**
     * Queues the command on GPU {@code id}; a refusal to queue (the GPU stuck, the daemon stopping) is a failed
     * future. A call that misses its deadline, or is refused as stuck, gets its audit line now.
     */
    private CompletableFuture<Boolean> start(int id, GpuCommand command, String caller,
            Optional<ClientProcess> client) {
        ControlAudit.Entry entry = audit.entry(id, command, caller, Map.of());
        CompletableFuture<Boolean> done;
        try {
            done = workers.submit(id, gpu -> apply(entry, id, gpu, command, client));
        } catch (DeviceException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ok, error) -> {
            if (error != null && DeviceWorkers.asDeviceException(id, error) instanceof DeviceTimeoutException t) {
                audit.timedOut(entry, t);
            }
        });
        return done;
    }

    /** On the GPU's worker: journal, audited device call or override, ownership. */
    private Boolean apply(ControlAudit.Entry entry, int gpuId, GpuDevice gpu, GpuCommand command,
            Optional<ClientProcess> client) {
        audit.around(entry, gpu, () -> {
            journalOriginals(gpuId, gpu, command);
            return execute(gpuId, gpu, command);
        });
        takeOwnership(gpuId, command, client);
        return Boolean.TRUE;
    }

    /**
     * Records the originals of the settings {@code command} is about to change for the first time. A reset records
     * nothing (it sets the value we would restore).
     *
     * @throws DeviceException if the journal cannot be written: the command must not run then
     */
    private void journalOriginals(int gpuId, GpuDevice gpu, GpuCommand command) {
        if (!journals || command.operation().isReset()) {
            return;
        }
        List<SettingKey> fresh = journal.missing(gpuId, command.operation().changes());
        if (fresh.isEmpty()) {
            return;
        }
        Map<SettingKey, Object> values = new HashMap<>();
        for (SettingKey key : fresh) {
            values.put(key, key.setting().readCurrent(gpu)); // on this GPU's worker: nobody changes it meanwhile
        }
        try {
            journal.record(values);
        } catch (IOException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL, "GPU " + gpuId + ": the original setting could "
                    + "not be recorded in " + journal.file() + " (" + e + "), so it was not changed");
        }
    }

    /** After {@code command} succeeded: the caller now owns what it changed. */
    private void takeOwnership(int gpuId, GpuCommand command, Optional<ClientProcess> client) {
        if (!tracksClients) {
            return;
        }
        for (Setting setting : command.operation().changes()) {
            SettingKey key = new SettingKey(gpuId, setting);
            if (journal.has(key)) {
                owners.changedBy(key, client);
            }
        }
    }

    /** A restore, on the GPU's worker: audited as {@code caller=zeusd} with its reason in {@code context}. */
    private void restore(int gpuId, GpuDevice gpu, GpuCommand command, Map<String, String> context) {
        audit.around(gpuId, gpu, command, "zeusd", context, () -> execute(gpuId, gpu, command));
    }

    /**
     * The device call, or the override's commands if the override file has some for the operation. Returns what the
     * audit line adds: the commands run, with their status.
     */
    private Map<String, String> execute(int gpuId, GpuDevice gpu, GpuCommand command) {
        CommandOverride override = overrides.get(command.operation());
        if (override == null) {
            command.execute(gpu);
            return Map.of();
        }
        Map<String, String> values = new HashMap<>(command.placeholderValues());
        values.put(CommandOverride.GPU_ID, Integer.toString(gpuId));
        return Map.of("override", override.run(values));
    }
}
