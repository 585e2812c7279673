package dev.zeusd.service.gpu;

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
import java.util.function.Function;

import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;
import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.FanOut;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.ClientProcess;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;

/** Reads and controls GPUs through their serial workers. */
public final class GpuService implements AutoCloseable {
    private final GpuBackend backend;
    private final DeviceWorkers<GpuDevice> workers;
    private final CommandOverrides overrides;
    private final SettingsKeeper keeper;

    /** GPU ids are the backend's device indices. */
    public GpuService(GpuBackend backend) {
        this(backend, CommandOverrides.none());
    }

    /** Control operations that {@code overrides} covers run its commands (on the GPU's worker) instead of the device. */
    public GpuService(GpuBackend backend, CommandOverrides overrides) {
        this(backend, overrides, RestorePolicy.off());
    }

    /** As above, journalling and restoring settings as {@code restore} says (see {@link #recoverFromCrash()}). */
    public GpuService(GpuBackend backend, CommandOverrides overrides, RestorePolicy restore) {
        this.backend = backend;
        this.overrides = overrides;
        Map<Integer, GpuDevice> byId = new HashMap<>();
        List<GpuDevice> devices = backend.devices();
        for (int i = 0; i < devices.size(); i++) {
            byId.put(i, devices.get(i));
        }
        this.workers = new DeviceWorkers<>("gpu", byId);
        this.keeper = new SettingsKeeper(workers, overrides, restore);
    }

    /**
     * Restores what a journal left by an earlier run holds, before anything is served; one log line per setting.
     *
     * @throws dev.zeusd.service.gpu.restore.CorruptJournalException if the journal cannot be read
     */
    public void recoverFromCrash() {
        keeper.recoverFromCrash();
    }

    /** Settings put back since start, for {@code zeusd_restored_settings_total{reason}}. */
    public long restoredSettings(RestoreReason reason) {
        return keeper.restoredCount(reason);
    }

    /** Restores that failed (after their retry) since start. */
    public long failedRestores(RestoreReason reason) {
        return keeper.failedCount(reason);
    }

    /** The GPU ids, ascending. */
    public SortedSet<Integer> ids() {
        return workers.ids();
    }

    /** Name, PCI address and capabilities per GPU id, fixed at startup: no device call. */
    public SortedMap<Integer, GpuIdentity> identities() {
        SortedMap<Integer, GpuIdentity> identities = new TreeMap<>();
        List<GpuDevice> devices = backend.devices();
        for (int i = 0; i < devices.size(); i++) {
            identities.put(i, devices.get(i).identity());
        }
        return identities;
    }

    /** Instant power in mW, one fresh reading per GPU. */
    public CompletionStage<SortedMap<Integer, Long>> power(Collection<Integer> ids) {
        return read(ids, GpuDevice::powerMw);
    }

    /** Energy since the driver was loaded, in mJ. */
    public CompletionStage<SortedMap<Integer, Long>> energy(Collection<Integer> ids) {
        return read(ids, GpuDevice::totalEnergyMj);
    }

    public CompletionStage<SortedMap<Integer, Long>> powerLimit(Collection<Integer> ids) {
        return read(ids, GpuDevice::powerLimitMw);
    }

    public CompletionStage<SortedMap<Integer, PowerLimitConstraints>> constraints(Collection<Integer> ids) {
        return read(ids, GpuDevice::powerLimitConstraints);
    }

    public CompletionStage<SortedMap<Integer, Boolean>> persistenceMode(Collection<Integer> ids) {
        return read(ids, GpuDevice::persistenceMode);
    }

    public <T> CompletionStage<SortedMap<Integer, T>> read(Collection<Integer> ids, Function<GpuDevice, T> call) {
        return FanOut.all(workers, ids, call);
    }

    /**
     * With {@code block}, completes once every GPU ran the command, failing with {@link DeviceFailures} if any did
     * not. Without, completes once the command is queued on every GPU; execution errors are then only logged.
     * Every execution writes one audit line naming {@code caller}.
     */
    public CompletionStage<Void> control(Collection<Integer> ids, GpuCommand command, boolean block, String caller) {
        return control(ids, command, block, caller, Optional.empty());
    }

    /**
     * As above; {@code client} is the calling process where the transport knows it (the Unix socket): with
     * {@code --restore-on-client-exit} it then owns the settings it changed until someone else changes them.
     */
    public CompletionStage<Void> control(Collection<Integer> ids, GpuCommand command, boolean block, String caller,
            Optional<ClientProcess> client) {
        if (block) {
            return FanOut.allById(workers, ids, (id, gpu) -> {
                runTracked(id, gpu, command, caller, client);
                return Boolean.TRUE;
            }).thenApply(done -> null);
        }
        SortedMap<Integer, DeviceException> notQueued = new TreeMap<>();
        for (int id : ids) {
            try {
                workers.submit(id, gpu -> {
                    runTracked(id, gpu, command, caller, client);
                    return null;
                }).whenComplete((ok, error) -> {
                    if (error != null) {
                        NonBlockingErrorLog.report(id, command, error);
                    }
                });
            } catch (DeviceException e) {
                notQueued.put(id, e);
            }
        }
        return notQueued.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new DeviceFailures(notQueued));
    }

    /** Whether control calls should name their client process (only then is it worth looking up). */
    public boolean restoresOnClientExit() {
        return keeper.tracksClients();
    }

    /** On the GPU's worker: journal first, then the audited call, then the ownership. */
    private void runTracked(int id, GpuDevice gpu, GpuCommand command, String caller, Optional<ClientProcess> client) {
        ControlAudit.runAudited(id, gpu, command, caller, overrides, () -> keeper.beforeChange(id, gpu, command),
                Map.of());
        keeper.changed(id, command, client);
    }

    SettingsKeeper keeperForTests() {
        return keeper;
    }

    /** Calls made on the GPU devices since start, for tests and metrics. */
    public long deviceFaultCount() {
        return workers.faultCount();
    }

    /** The backend's name for logs and {@code zeusd_build_info}, e.g. NVML. */
    public String backendName() {
        return backend.name();
    }

    public long deviceCallCount() {
        return workers.callCount();
    }

    @Override
    public void close() {
        keeper.close(); // restores (if asked to) while the workers and the backend still run
        workers.close();
        backend.close();
    }
}
