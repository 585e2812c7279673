package dev.zeusd.device.cpu;

/** One package's extended counters at one instant; {@code dramUj} is null where the package has no DRAM domain. */
public record EnergySample(long nanos, long packageUj, Long dramUj) {
}
