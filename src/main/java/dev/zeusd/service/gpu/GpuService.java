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

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;
import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.override.CommandOverride;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.override.OverridableOperation;
import dev.zeusd.service.gpu.restore.ClientProcess;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Reads and controls GPUs, each call on the GPU's own worker ({@link DeviceWorkers}): every GPU endpoint goes
 * resource, here, the worker, {@link GpuDevice}. A read is one typed call per GPU, made on the caller's thread instead
 * when the GPU is idle and fast ({@link DeviceWorkers#read}). A control call runs on the worker as
 * {@link #runTracked}: the {@link ControlAudit} line wraps the journalling of the original setting and the device call
 * (or the override's commands), and the {@link SettingsKeeper} then records who owns the new setting.
 */
public final class GpuService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GpuService.class);

    private final GpuBackend backend;
    private final DeviceWorkers<GpuDevice> workers;
    private final CommandOverrides overrides;
    private final ControlAudit audit;
    private final SettingsKeeper keeper;

    /** GPU ids are the backend's device indices; no overrides, no restore, audit lines counted nowhere. */
    public GpuService(GpuBackend backend) {
        this(backend, CommandOverrides.none(), RestorePolicy.off(), new ControlAudit(new SimpleMeterRegistry()));
    }

    /**
     * Control operations that {@code overrides} covers run its commands (on the GPU's worker) instead of the device;
     * settings are journalled and restored as {@code restore} says (see {@link #recoverFromCrash()}).
     */
    public GpuService(GpuBackend backend, CommandOverrides overrides, RestorePolicy restore, ControlAudit audit) {
        this.backend = backend;
        this.overrides = overrides;
        this.audit = audit;
        Map<Integer, GpuDevice> byId = new HashMap<>();
        List<GpuDevice> devices = backend.devices();
        for (int i = 0; i < devices.size(); i++) {
            byId.put(i, devices.get(i));
        }
        this.workers = new DeviceWorkers<>("gpu", byId);
        this.keeper = new SettingsKeeper(workers,
                (id, gpu, command, context) -> audit.around(id, gpu, command, "zeusd", context,
                        () -> execute(id, gpu, command)),
                restore);
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
        return workers.read(ids, GpuDevice::powerMw);
    }

    /** Energy since the driver was loaded, in mJ. */
    public CompletionStage<SortedMap<Integer, Long>> energy(Collection<Integer> ids) {
        return workers.read(ids, GpuDevice::totalEnergyMj);
    }

    public CompletionStage<SortedMap<Integer, Long>> powerLimit(Collection<Integer> ids) {
        return workers.read(ids, GpuDevice::powerLimitMw);
    }

    public CompletionStage<SortedMap<Integer, PowerLimitConstraints>> constraints(Collection<Integer> ids) {
        return workers.read(ids, GpuDevice::powerLimitConstraints);
    }

    public CompletionStage<SortedMap<Integer, Boolean>> persistenceMode(Collection<Integer> ids) {
        return workers.read(ids, GpuDevice::persistenceMode);
    }

    /*
     * The three below are for the daemon's own readers (metrics, readiness, stream pollers): always on the GPUs'
     * workers, never inline. Those callers hold a lock or a timeout around the read; an inline read that hung would
     * hold them (and every scrape, probe or subscriber behind them) on their own thread, where a timeout cannot help.
     */

    /** Power, energy (where the GPU counts it) and power limit, in one call per GPU: for the metrics. */
    public CompletionStage<SortedMap<Integer, GpuReading>> readings(Collection<Integer> ids) {
        return workers.all(ids, gpu -> new GpuReading(gpu.powerMw(),
                gpu.identity().cumulativeEnergyAvailable() ? gpu.totalEnergyMj() : null, gpu.powerLimitMw()));
    }

    /** Power limits, for the readiness probe: a GPU that does not answer in time is a probe failure. */
    public CompletionStage<SortedMap<Integer, Long>> powerLimitProbe(Collection<Integer> ids) {
        return workers.all(ids, GpuDevice::powerLimitMw);
    }

    /** One GPU's instant power in mW, for a stream poller: a poll round never waits on one device's read. */
    public CompletionStage<Long> pollPower(int id) {
        return workers.submit(id, GpuDevice::powerMw);
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
            return workers.all(ids, (Integer id, GpuDevice gpu) -> runTracked(id, gpu, command, caller, client))
                    .thenApply(done -> null);
        }
        SortedMap<Integer, DeviceException> notQueued = new TreeMap<>();
        for (int id : ids) {
            try {
                workers.submit(id, gpu -> runTracked(id, gpu, command, caller, client)).whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warnf("Non-blocking %s on GPU %d failed: %s", command, id, error.getMessage());
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
    private Boolean runTracked(int id, GpuDevice gpu, GpuCommand command, String caller,
            Optional<ClientProcess> client) {
        audit.around(id, gpu, command, caller, Map.of(), () -> {
            keeper.beforeChange(id, gpu, command);
            return execute(id, gpu, command);
        });
        keeper.changed(id, command, client);
        return Boolean.TRUE;
    }

    /**
     * On the GPU's worker: the device call, or the override's commands if the override file has some for the
     * operation. Returns what the audit line adds: the commands run, with their status.
     */
    private Map<String, String> execute(int id, GpuDevice gpu, GpuCommand command) {
        Optional<CommandOverride> override = overrides.forOperation(command.operation());
        if (override.isEmpty()) {
            command.execute(gpu);
            return Map.of();
        }
        Map<String, String> values = new HashMap<>(command.placeholderValues());
        values.put(OverridableOperation.GPU_ID, Integer.toString(id));
        return Map.of("override", override.get().run(values));
    }

    SettingsKeeper keeperForTests() {
        return keeper;
    }

    /** GPU calls that failed with a fault (not a refused request) since start, for metrics. */
    public long deviceFaultCount() {
        return workers.faultCount();
    }

    /** The backend's name for logs and {@code zeusd_build_info}, e.g. NVML. */
    public String backendName() {
        return backend.name();
    }

    /** Calls made on the GPU devices since start, for tests and metrics. */
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
