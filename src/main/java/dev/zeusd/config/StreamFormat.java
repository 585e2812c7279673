package dev.zeusd.config;

/**
 * The shape of stream events. Both client generations send the same request, so it cannot be negotiated: the
 * operator picks it with {@code --stream-format}.
 */
public enum StreamFormat {
    /** One event per device sample, {@code {"timestamp_ms":..,"gpu_id":0,"power_mw":..}}: zeus 0.16 and later. */
    DEVICE,
    /** Whole-snapshot events, {@code {"timestamp_ms":..,"power_mw":{"0":..}}}: zeus 0.15 and earlier. */
    SNAPSHOT
}
