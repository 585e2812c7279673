package dev.zeusd.device.gpu.amdsmi;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The way into the library. Before 26.2 AMD SMI is not thread-safe, so every call then holds one process-wide lock
 * (GPUs' workers would otherwise call it at once); from 26.2 calls run per device, as with NVML. Until the version is
 * known, calls are serialised.
 */
final class AmdSmiCallGate {
    private static final ReentrantLock PROCESS_WIDE = new ReentrantLock();

    private volatile boolean serialised = true;

    void serialise(boolean serialised) {
        this.serialised = serialised;
    }

    boolean serialised() {
        return serialised;
    }

    <T> T call(Supplier<T> call) {
        if (!serialised) {
            return call.get();
        }
        PROCESS_WIDE.lock();
        try {
            return call.get();
        } finally {
            PROCESS_WIDE.unlock();
        }
    }
}
