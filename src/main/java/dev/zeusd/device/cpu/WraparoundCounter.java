package dev.zeusd.device.cpu;

/**
 * Extends a RAPL counter past its hardware wrap so it only ever increases while the daemon runs. It starts at the
 * first raw reading, so until the first wrap it equals the sysfs value. Callers must read often enough that less
 * than half the range passes between two reads (the CPU service's wrap guard sees to that); a fall that would need more is not a wrap
 * but a reset or a glitch, and is dropped rather than reported as a huge jump.
 */
public final class WraparoundCounter {
    private final long maxEnergyRangeUj;
    private long lastRawUj = -1;
    private long extendedUj;

    public WraparoundCounter(long maxEnergyRangeUj) {
        if (maxEnergyRangeUj <= 0) {
            throw new IllegalArgumentException("max_energy_range_uj must be positive, got " + maxEnergyRangeUj);
        }
        this.maxEnergyRangeUj = maxEnergyRangeUj;
    }

    /** Feeds one raw reading and returns the extended counter. */
    public long update(long rawUj) {
        if (lastRawUj < 0) {
            extendedUj = rawUj;
        } else if (rawUj >= lastRawUj) {
            extendedUj += rawUj - lastRawUj;
        } else {
            long wrappedDelta = (maxEnergyRangeUj - lastRawUj) + rawUj;
            if (wrappedDelta <= maxEnergyRangeUj / 2) {
                extendedUj += wrappedDelta;
            }
        }
        lastRawUj = rawUj;
        return extendedUj;
    }
}
