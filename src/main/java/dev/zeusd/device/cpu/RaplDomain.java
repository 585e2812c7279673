package dev.zeusd.device.cpu;

/** One RAPL energy counter (a package or its DRAM), as the hardware reports it: it wraps to 0 past its range. */
public interface RaplDomain {
    /** The raw counter, in [0, {@link #maxEnergyRangeUj()}]. */
    long energyUj();

    /** The value after which the counter wraps to 0. */
    long maxEnergyRangeUj();
}
