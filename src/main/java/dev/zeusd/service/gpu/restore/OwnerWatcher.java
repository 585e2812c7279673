package dev.zeusd.service.gpu.restore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.zeusd.service.DaemonThreads;

/**
 * Notices when owners exit. One thread for all owners, which checks each owner's {@code /proc/<pid>/stat} start time
 * every {@link #PERIOD_MS} ms; it runs only while at least one owner is watched and ends when the last one is gone, so
 * an idle daemon does no work at all. (Java's {@code ProcessHandle.onExit()} for a process that is not our child
 * polls with a thread per pid; a pidfd needs a native call outside the device packages.)
 */
public final class OwnerWatcher implements AutoCloseable {
    static final long PERIOD_MS = 200;
    private static final Logger LOG = Logger.getLogger(OwnerWatcher.class);

    private final Consumer<ClientProcess> onExit;
    private final Set<ClientProcess> watched = new LinkedHashSet<>();
    private Thread thread;
    private boolean closed;

    /** @param onExit called on the watcher thread, once per watched process that exited */
    public OwnerWatcher(Consumer<ClientProcess> onExit) {
        this.onExit = onExit;
    }

    public synchronized void watch(ClientProcess process) {
        if (closed || !watched.add(process) || thread != null) {
            return;
        }
        thread = DaemonThreads.named("zeusd-owner-watcher").newThread(this::run);
        thread.start();
    }

    public synchronized void forget(ClientProcess process) {
        watched.remove(process);
    }

    /** Whether the watcher thread runs now (for tests). */
    public synchronized boolean running() {
        return thread != null;
    }

    private void run() {
        while (true) {
            List<ClientProcess> snapshot;
            synchronized (this) {
                if (watched.isEmpty() || closed) {
                    thread = null;
                    return;
                }
                snapshot = new ArrayList<>(watched);
            }
            for (ClientProcess process : snapshot) {
                if (!process.isAlive()) {
                    synchronized (this) {
                        watched.remove(process);
                    }
                    try {
                        onExit.accept(process);
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "Restoring the settings of %s failed", process);
                    }
                }
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                synchronized (this) {
                    thread = null;
                }
                return;
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        watched.clear();
        if (thread != null) {
            thread.interrupt();
        }
    }
}
