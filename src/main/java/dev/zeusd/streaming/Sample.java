package dev.zeusd.streaming;

import java.util.function.Function;

/**
 * One device's reading at one moment. Every subscriber of the device gets the same instance, so the JSON of a sample
 * is rendered once for all of them ({@link #render}).
 */
public final class Sample<R> {
    private final int deviceId;
    private final long timestampMs;
    private final R reading;
    private volatile String rendering;

    Sample(int deviceId, long timestampMs, R reading) {
        this.deviceId = deviceId;
        this.timestampMs = timestampMs;
        this.reading = reading;
    }

    public int deviceId() {
        return deviceId;
    }

    public long timestampMs() {
        return timestampMs;
    }

    public R reading() {
        return reading;
    }

    /** The renderer's output for this sample, computed by the first subscriber that asks (a race only repeats it). */
    public String render(Function<Sample<R>, String> renderer) {
        String text = rendering;
        if (text == null) {
            text = renderer.apply(this);
            rendering = text;
        }
        return text;
    }
}
