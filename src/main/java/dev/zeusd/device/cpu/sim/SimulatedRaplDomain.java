package dev.zeusd.device.cpu.sim;

import java.util.function.LongSupplier;

import dev.zeusd.device.cpu.RaplDomain;

/**
 * A RAPL counter driven by a power wave {@code base + amplitude * sin(...)}. Energy is the wave's exact integral, so
 * the counter is monotonic (amplitude < base) and wraps at its range exactly like the hardware does.
 */
public final class SimulatedRaplDomain implements RaplDomain {
    private final long maxEnergyRangeUj;
    private final double baseW;
    private final double amplitudeW;
    private final double omega;
    private final double phase;
    private final double startEnergyUj;
    private final LongSupplier nanoClock;
    private final long startNanos;

    public SimulatedRaplDomain(long maxEnergyRangeUj, double baseW, double amplitudeW, double periodS,
            double phase, double startEnergyUj, LongSupplier nanoClock) {
        if (amplitudeW >= baseW) {
            throw new IllegalArgumentException("amplitude must stay below base power");
        }
        this.maxEnergyRangeUj = maxEnergyRangeUj;
        this.baseW = baseW;
        this.amplitudeW = amplitudeW;
        this.omega = 2 * Math.PI / periodS;
        this.phase = phase;
        this.startEnergyUj = startEnergyUj;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Energy since start, without wrapping. */
    double unwrappedEnergyUj() {
        double t = (nanoClock.getAsLong() - startNanos) / 1e9;
        double joules = baseW * t - amplitudeW / omega * (Math.cos(omega * t + phase) - Math.cos(phase));
        return startEnergyUj + joules * 1e6;
    }

    @Override
    public long energyUj() {
        return (long) (unwrappedEnergyUj() % (maxEnergyRangeUj + 1.0));
    }

    @Override
    public long maxEnergyRangeUj() {
        return maxEnergyRangeUj;
    }
}
