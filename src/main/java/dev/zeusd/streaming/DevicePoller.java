package dev.zeusd.streaming;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * One device's polling state inside a {@link PowerFeed}: read only while it has subscribers, one read at a time (a
 * device slower than the poll rate is skipped, not queued), a new {@link Sample} only when the value changed. Not
 * thread-safe: its feed guards it.
 */
final class DevicePoller<R> {
    private static final Logger LOG = Logger.getLogger(DevicePoller.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final String feed;
    private final int deviceId;
    private final Supplier<CompletionStage<R>> read;

    private int subscribers;
    private boolean inFlight;
    private Sample<R> latest;
    private long lastFailureLogNanos;
    private int unloggedFailures;

    DevicePoller(String feed, int deviceId, Supplier<CompletionStage<R>> read) {
        this.feed = feed;
        this.deviceId = deviceId;
        this.read = read;
    }

    int deviceId() {
        return deviceId;
    }

    Sample<R> latest() {
        return latest;
    }

    void subscribe() {
        subscribers++;
    }

    void unsubscribe() {
        if (--subscribers == 0) {
            latest = null; // a later subscriber must not get a stale reading
        }
    }

    /** Whether this round should read the device. */
    boolean due() {
        return subscribers > 0 && !inFlight;
    }

    CompletionStage<R> startRead() {
        inFlight = true;
        return read.get();
    }

    /** Records a finished read; returns the new sample if the value changed, else null. */
    Sample<R> finishRead(R reading, Throwable error) {
        inFlight = false;
        if (error != null) {
            logFailure(error);
            return null; // a failed read sends nothing for this device
        }
        if (subscribers == 0 || (latest != null && Objects.equals(latest.reading(), reading))) {
            return null;
        }
        latest = new Sample<>(deviceId, System.currentTimeMillis(), reading);
        return latest;
    }

    /** At most one line a minute per device: a broken device must not flood the log at the poll rate. */
    private void logFailure(Throwable error) {
        long now = System.nanoTime();
        if (lastFailureLogNanos != 0 && now - lastFailureLogNanos < FAILURE_LOG_INTERVAL_NANOS) {
            unloggedFailures++;
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        LOG.warnf("Stream %s: reading device %d failed: %s%s", feed, deviceId, cause.getMessage(),
                unloggedFailures > 0 ? " (" + unloggedFailures + " more failures in the last minute)" : "");
        lastFailureLogNanos = now;
        unloggedFailures = 0;
    }
}
