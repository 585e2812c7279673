package dev.zeusd.api.response;

import java.util.Map;

/** {@code get_power} and each {@code stream_power} event: instant power per GPU id. */
public record GpuPowerResponse(long timestampMs, Map<String, Long> powerMw) {
}
