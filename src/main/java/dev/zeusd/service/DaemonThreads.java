package dev.zeusd.service;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: a device stuck in its driver must not stop the daemon from exiting. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory whose threads all carry {@code name}: each executor using it has one thread. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
