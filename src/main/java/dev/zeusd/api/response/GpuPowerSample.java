package dev.zeusd.api.response;

/** One {@code /gpu/stream_power} event in the current dialect ({@code --stream-format device}). */
public record GpuPowerSample(long timestampMs, int gpuId, long powerMw) {
}
