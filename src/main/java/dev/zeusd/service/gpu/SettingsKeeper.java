package dev.zeusd.service.gpu;

import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.restore.ClientProcess;
import dev.zeusd.service.gpu.restore.Original;
import dev.zeusd.service.gpu.restore.Originals;
import dev.zeusd.service.gpu.restore.Owners;
import dev.zeusd.service.gpu.restore.RestoreJournal;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;
import dev.zeusd.service.gpu.restore.Setting;
import dev.zeusd.service.gpu.restore.SettingKey;

/**
 * Puts GPU settings back when their owner is gone. Before the first change of a setting on a GPU its current value is
 * recorded in {@link Originals} (on the GPU's worker, before the device call); later changes keep that original. The
 * last writer owns a setting ({@link Owners}); when an owner process exits, its settings go back, unless someone
 * changed them since. Every restore runs on the GPU's worker, so it is ordered with the control calls, and is audited
 * with its reason.
 */
final class SettingsKeeper implements AutoCloseable {
    /** How long a clean stop waits for the restores, retries included. */
    static final long SHUTDOWN_BUDGET_MS = 4_000;
    /** How long startup waits for crash recovery before it serves anyway (the failures stay in the journal). */
    static final long RECOVERY_BUDGET_MS = 20_000;
    private static final Logger LOG = Logger.getLogger(SettingsKeeper.class);

    /** Runs a restore command on a GPU's worker, audited with {@code context} as GpuService runs control calls. */
    interface Restorer {
        void run(int gpuId, GpuDevice gpu, GpuCommand command, Map<String, String> context);
    }

    private final DeviceWorkers<GpuDevice> workers;
    private final Restorer restorer;
    private final RestorePolicy policy;
    private final RestoreJournal journal;
    private final Originals originals;
    private final Owners owners = new Owners(this::ownerExited);
    private final Map<RestoreReason, LongAdder> restored = new EnumMap<>(RestoreReason.class);
    private final Map<RestoreReason, LongAdder> failed = new EnumMap<>(RestoreReason.class);

    SettingsKeeper(DeviceWorkers<GpuDevice> workers, Restorer restorer, RestorePolicy policy) {
        this.workers = workers;
        this.restorer = restorer;
        this.policy = policy;
        this.journal = policy.stateDir() == null ? null : policy.journal();
        this.originals = journal == null ? null : new Originals(journal);
        for (RestoreReason reason : RestoreReason.values()) {
            restored.put(reason, new LongAdder());
            failed.put(reason, new LongAdder());
        }
    }

    boolean tracksClients() {
        return policy.onClientExit();
    }

    long restoredCount(RestoreReason reason) {
        return restored.get(reason).sum();
    }

    long failedCount(RestoreReason reason) {
        return failed.get(reason).sum();
    }

    /**
     * On the GPU's worker, before {@code command} runs: journals the originals of the settings it is about to change
     * for the first time. A clock reset records nothing (it sets the value we would restore).
     *
     * @throws DeviceException if the journal cannot be written: the command must not run then
     */
    void beforeChange(int gpuId, GpuDevice gpu, GpuCommand command) {
        if (!policy.journals() || command.operation().isReset()) {
            return;
        }
        List<SettingKey> fresh = originals.missing(gpuId, command.operation().changes());
        if (fresh.isEmpty()) {
            return;
        }
        Map<SettingKey, Object> values = new HashMap<>();
        for (SettingKey key : fresh) {
            values.put(key, key.setting().readCurrent(gpu)); // on this GPU's worker: nobody changes it meanwhile
        }
        try {
            originals.record(values);
        } catch (IOException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL, "GPU " + gpuId + ": the original setting could "
                    + "not be recorded in " + journal.file() + " (" + e + "), so it was not changed");
        }
    }

    /** On the GPU's worker, after {@code command} succeeded: the caller now owns what it changed. */
    void changed(int gpuId, GpuCommand command, Optional<ClientProcess> caller) {
        if (!policy.onClientExit()) {
            return;
        }
        for (Setting setting : command.operation().changes()) {
            SettingKey key = new SettingKey(gpuId, setting);
            if (originals.has(key)) {
                owners.changedBy(key, caller);
            }
        }
    }

    /** On the watcher thread: queues the restore of what {@code process} still owns on each GPU's worker. */
    private void ownerExited(ClientProcess process) {
        owners.ownedBy(process).forEach((gpuId, keys) -> {
            try {
                workers.submit(gpuId, gpu -> {
                    for (SettingKey key : keys) {
                        if (process.equals(owners.ownerOf(key))) { // checked on the worker: a later change keeps it
                            restore(gpuId, gpu, key, RestoreReason.CLIENT_EXIT);
                        }
                    }
                    return null;
                });
            } catch (DeviceException e) {
                LOG.warnf("Not restoring GPU %d for %s: %s", gpuId, process, e.getMessage());
            }
        });
    }

    /**
     * On the GPU's worker: puts one setting back (one retry), then drops it from the journal if that worked. A setting
     * that could not be restored stays journalled, for the next stop or start to try again.
     */
    private void restore(int gpuId, GpuDevice gpu, SettingKey key, RestoreReason reason) {
        owners.release(key);
        Object original = originals.get(key);
        if (original == null) {
            return;
        }
        GpuCommand command = GpuCommand.restoring(key.setting(), original);
        Map<String, String> context = new LinkedHashMap<>(); // a fixed order: people and tools read it
        context.put("restore", reason.label());
        context.put("setting", key.setting().journalName());
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                restorer.run(gpuId, gpu, command, context);
                failure = null;
                break;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            failed.get(reason).increment();
            LOG.errorf("GPU %d: %s could not be restored to %s (%s, after one retry): %s", gpuId,
                    key.setting().journalName(), original, reason.label(), failure.getMessage());
            return;
        }
        restored.get(reason).increment();
        if (reason == RestoreReason.CRASH_RECOVERY) {
            LOG.infof("GPU %d: %s restored to %s after a crash (from %s)", gpuId, key.setting().journalName(),
                    original, journal.file());
        }
        try {
            originals.forget(key);
        } catch (IOException e) {
            LOG.errorf("The restore journal %s could not be updated: %s", journal.file(), e);
        }
    }

    /**
     * At startup, before the API opens: restores every setting a journal from an earlier run holds (that run did not
     * stop cleanly), waiting at most {@link #RECOVERY_BUDGET_MS}. Only with a restore flag on: without, zeusd behaves
     * exactly as the original and leaves the file alone.
     */
    void recoverFromCrash() {
        if (journal == null) {
            return;
        }
        if (!policy.journals()) {
            if (journal.exists()) {
                LOG.warnf("%s holds settings from an earlier run, but neither --restore-on-shutdown nor "
                        + "--restore-on-client-exit is on: leaving them and the file as they are", journal.file());
            }
            return;
        }
        List<Original> found = journal.read();
        if (found.isEmpty()) {
            return;
        }
        LOG.warnf("Found %d journalled setting(s) in %s: zeusd did not stop cleanly; restoring them", found.size(),
                journal.file());
        originals.load(found);
        restoreAll(RestoreReason.CRASH_RECOVERY, RECOVERY_BUDGET_MS);
    }

    /**
     * Restores every journalled setting on its GPU's worker, all GPUs in parallel, within {@code budgetMs}. A GPU that
     * is stuck, or does not finish in time, is skipped with one line; its settings stay journalled.
     */
    private void restoreAll(RestoreReason reason, long budgetMs) {
        Map<Integer, CompletableFuture<Object>> pending = new TreeMap<>();
        originals.byGpu().forEach((gpuId, keys) -> {
            if (!workers.ids().contains(gpuId)) {
                failed.get(reason).increment();
                LOG.errorf("GPU %d is journalled but not present: its settings %s stay in %s", gpuId,
                        keys.stream().map(k -> k.setting().journalName()).toList(), journal.file());
                return;
            }
            try {
                pending.put(gpuId, workers.submit(gpuId, gpu -> {
                    keys.forEach(key -> restore(gpuId, gpu, key, reason));
                    return null;
                }));
            } catch (DeviceException e) {
                skipped(reason, gpuId, e.getMessage());
            }
        });
        try {
            CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                    .get(budgetMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.forEach((gpuId, restore) -> {
                if (!restore.isDone()) {
                    skipped(reason, gpuId, "it did not finish within " + budgetMs + " ms");
                }
            });
        } catch (ExecutionException e) {
            LOG.errorf("Restoring settings (%s) failed: %s", reason.label(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void skipped(RestoreReason reason, int gpuId, String why) {
        failed.get(reason).increment();
        LOG.errorf("Not restoring GPU %d (%s): %s; its settings stay in %s for the next start", gpuId, reason.label(),
                why, journal.file());
    }

    /**
     * On a clean stop, before the workers and the backend close: with {@code --restore-on-shutdown} every journalled
     * setting goes back (bounded by {@link #SHUTDOWN_BUDGET_MS}); without it the settings stay as they are and the
     * journal is cleared, so the next start does not take the clean stop for a crash.
     */
    @Override
    public void close() {
        owners.close();
        if (journal == null || !policy.journals()) {
            return;
        }
        if (policy.onShutdown()) {
            restoreAll(RestoreReason.SHUTDOWN, SHUTDOWN_BUDGET_MS);
            return;
        }
        owners.clear();
        int left = originals.names().size();
        if (left > 0) {
            LOG.infof("Leaving %d changed setting(s) as they are (no --restore-on-shutdown)", left);
        }
        try {
            originals.clear();
        } catch (IOException e) {
            LOG.errorf("The restore journal %s could not be cleared: %s", journal.file(), e);
        }
    }

    /** For tests: the settings whose originals are journalled now. */
    Set<String> journalled() {
        return originals.names();
    }
}
