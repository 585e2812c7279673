package dev.zeusd.service.gpu;

import org.jboss.logging.Logger;

/** Where failures of {@code block=false} commands go, since no client waits for them. */
final class NonBlockingErrorLog {
    private static final Logger LOG = Logger.getLogger(NonBlockingErrorLog.class);

    private NonBlockingErrorLog() {
    }

    static void report(int gpuId, GpuCommand command, Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        LOG.warnf("Non-blocking %s on GPU %d failed: %s", command, gpuId, cause.getMessage());
    }
}
