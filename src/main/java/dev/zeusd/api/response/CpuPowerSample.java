package dev.zeusd.api.response;

/**
 * One {@code /cpu/stream_power} event in the current dialect ({@code --stream-format device}); {@code dramMw} is
 * always present, null without a DRAM domain.
 */
public record CpuPowerSample(long timestampMs, int cpuId, long cpuMw, Long dramMw) {
}
