package dev.zeusd.service.gpu;

/** What the metrics show of one GPU, read in one device call; {@code energyMj} is null without an energy counter. */
public record GpuReading(long powerMw, Long energyMj, long powerLimitMw) {
}
