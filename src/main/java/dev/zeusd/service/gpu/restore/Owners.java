package dev.zeusd.service.gpu.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.zeusd.service.DaemonThreads;
import dev.zeusd.service.gpu.restore.RestoreJournal.SettingKey;

/**
 * Who owns each changed setting: the client process that changed it last ({@link ClientProcess}). An owner is watched
 * while it owns anything ({@link Watcher}); when it exits, {@code onExit} learns of it (on the watcher thread).
 * Thread-safe.
 */
public final class Owners implements AutoCloseable {
    private final Map<SettingKey, ClientProcess> owners = new HashMap<>();
    private final Watcher watcher;

    public Owners(Consumer<ClientProcess> onExit) {
        this.watcher = new Watcher(onExit);
    }

    /** {@code caller} now owns {@code key}; a caller the transport cannot name leaves it without an owner. */
    public synchronized void changedBy(SettingKey key, Optional<ClientProcess> caller) {
        ClientProcess previous = caller.isPresent() ? owners.put(key, caller.get()) : owners.remove(key);
        if (previous != null && !owners.containsValue(previous)) {
            watcher.forget(previous);
        }
        caller.filter(owners::containsValue).ifPresent(watcher::watch);
    }

    public synchronized ClientProcess ownerOf(SettingKey key) {
        return owners.get(key);
    }

    /** The settings {@code process} owns, grouped by GPU. */
    public synchronized SortedMap<Integer, List<SettingKey>> ownedBy(ClientProcess process) {
        SortedMap<Integer, List<SettingKey>> byGpu = new TreeMap<>();
        owners.forEach((key, owner) -> {
            if (owner.equals(process)) {
                byGpu.computeIfAbsent(key.gpu(), gpu -> new ArrayList<>()).add(key);
            }
        });
        return byGpu;
    }

    /** {@code key} has no owner any more (it was restored). */
    public synchronized void release(SettingKey key) {
        owners.remove(key);
    }

    public synchronized void clear() {
        owners.clear();
    }

    /** Stops watching; no {@code onExit} call comes after this. */
    @Override
    public void close() {
        watcher.close();
    }

    /**
     * A client process, named by pid and start time (field 22 of {@code /proc/<pid>/stat}, in clock ticks since
     * boot), so that a new process that got the same pid is never taken for the old one.
     */
    public record ClientProcess(long pid, long startTime) {
        /** The start time of a process that was already gone when it was first seen. */
        static final long GONE = -1;
        private static final Path PROC = Path.of("/proc");

        /** The process with this pid (as SO_PEERCRED reported it); empty for pid 0 (one in another pid namespace). */
        public static Optional<ClientProcess> of(long pid) {
            if (pid <= 0) {
                return Optional.empty();
            }
            return Optional.of(new ClientProcess(pid, startTimeOf(pid).orElse(GONE)));
        }

        /** The real uid of process {@code pid} ({@code Uid:} in {@code /proc/<pid>/status}); empty if it is gone. */
        public static OptionalLong uidOf(long pid) {
            try {
                for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"),
                        StandardCharsets.UTF_8)) {
                    if (line.startsWith("Uid:")) {
                        return OptionalLong.of(Long.parseLong(line.substring(4).trim().split("\\s+")[0]));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone, or not a Linux /proc: no owner to name
            }
            return OptionalLong.empty();
        }

        /** Whether this very process still runs (and is not a zombie). */
        public boolean isAlive() {
            if (startTime == GONE) {
                return false;
            }
            OptionalLong now = startTimeOf(pid);
            return now.isPresent() && now.getAsLong() == startTime;
        }

        static OptionalLong startTimeOf(long pid) {
            String stat;
            try {
                stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return OptionalLong.empty();
            }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(fields[19]));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }

        @Override
        public String toString() {
            return "pid " + pid;
        }
    }

    /**
     * Notices when owners exit. One thread for all owners, which checks each owner's {@code /proc/<pid>/stat} start
     * time every {@link #PERIOD_MS} ms; it runs only while at least one owner is watched and ends when the last one
     * is gone, so an idle daemon does no work at all. (Java's {@code ProcessHandle.onExit()} for a process that is not
     * our child polls with a thread per pid; a pidfd needs a native call outside the device packages.)
     */
    public static final class Watcher implements AutoCloseable {
        static final long PERIOD_MS = 200;
        private static final Logger LOG = Logger.getLogger(Watcher.class);

        private final Consumer<ClientProcess> onExit;
        private final Set<ClientProcess> watched = new LinkedHashSet<>();
        private Thread thread;
        private boolean closed;

        /** @param onExit called on the watcher thread, once per watched process that exited */
        public Watcher(Consumer<ClientProcess> onExit) {
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
}
