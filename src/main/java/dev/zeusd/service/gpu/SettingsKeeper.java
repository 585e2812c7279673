package dev.zeusd.service.gpu;

import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.restore.Owners;
import dev.zeusd.service.gpu.restore.Owners.ClientProcess;
import dev.zeusd.service.gpu.restore.RestoreJournal;
import dev.zeusd.service.gpu.restore.RestoreJournal.Original;
import dev.zeusd.service.gpu.restore.RestoreJournal.SettingKey;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;

/**
 * Says what to put back, and when: the settings an exited owner still owns, every journalled setting on a clean stop
 * (with {@code --restore-on-shutdown}) and, at start, what the journal of a run that did not stop cleanly holds. It
 * keeps the {@link RestoreJournal} of originals and the {@link Owners} that {@link GpuControl} fills in on each call,
 * and hands each restore command to {@link GpuControl} on the GPU's worker, so restores are ordered with the control
 * calls and audited with their reason.
 */
final class SettingsKeeper implements AutoCloseable {
    /** How long a clean stop waits for the restores, retries included. */
    static final long SHUTDOWN_BUDGET_MS = 4_000;
    /** How long startup waits for crash recovery before it serves anyway (the failures stay in the journal). */
    static final long RECOVERY_BUDGET_MS = 20_000;
    private static final Logger LOG = Logger.getLogger(SettingsKeeper.class);

    /** Runs a restore command on a GPU's worker, audited with {@code context} as control calls are. */
    interface Restorer {
        void run(int gpuId, GpuDevice gpu, GpuCommand command, Map<String, String> context);
    }

    private final DeviceWorkers<GpuDevice> workers;
    private final Restorer restorer;
    private final RestorePolicy policy;
    /** The originals in memory and on disk; null without a state directory. */
    private final RestoreJournal journal;
    private final Owners owners = new Owners(this::ownerExited);
    private final Map<RestoreReason, LongAdder> restored = new EnumMap<>(RestoreReason.class);
    private final Map<RestoreReason, LongAdder> failed = new EnumMap<>(RestoreReason.class);

    SettingsKeeper(DeviceWorkers<GpuDevice> workers, Restorer restorer, RestorePolicy policy) {
        this.workers = workers;
        this.restorer = restorer;
        this.policy = policy;
        this.journal = policy.stateDir() == null ? null : policy.journal();
        for (RestoreReason reason : RestoreReason.values()) {
            restored.put(reason, new LongAdder());
            failed.put(reason, new LongAdder());
        }
    }

    RestoreJournal journal() {
        return journal;
    }

    Owners owners() {
        return owners;
    }

    long restoredCount(RestoreReason reason) {
        return restored.get(reason).sum();
    }

    long failedCount(RestoreReason reason) {
        return failed.get(reason).sum();
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
        Object original = journal.get(key);
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
            journal.forget(key);
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
        journal.load(found);
        restoreAll(RestoreReason.CRASH_RECOVERY, RECOVERY_BUDGET_MS);
    }

    /**
     * Restores every journalled setting on its GPU's worker, all GPUs in parallel, within {@code budgetMs}. A GPU that
     * is stuck, or does not finish in time, is skipped with one line; its settings stay journalled.
     */
    private void restoreAll(RestoreReason reason, long budgetMs) {
        Map<Integer, CompletableFuture<Object>> pending = new TreeMap<>();
        journal.byGpu().forEach((gpuId, keys) -> {
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
        int left = journal.names().size();
        if (left > 0) {
            LOG.infof("Leaving %d changed setting(s) as they are (no --restore-on-shutdown)", left);
        }
        try {
            journal.clear();
        } catch (IOException e) {
            LOG.errorf("The restore journal %s could not be cleared: %s", journal.file(), e);
        }
    }

    /** For tests: the settings whose originals are journalled now. */
    Set<String> journalled() {
        return journal.names();
    }
}
