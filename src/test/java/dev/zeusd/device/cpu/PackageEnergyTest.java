package dev.zeusd.device.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.ManualClock;

class PackageEnergyTest {
    /** A counter whose raw value the test sets. */
    static final class SetCounter implements RaplDomain {
        long raw;
        final long range;

        SetCounter(long raw, long range) {
            this.raw = raw;
            this.range = range;
        }

        @Override
        public long energyUj() {
            return raw;
        }

        @Override
        public long maxEnergyRangeUj() {
            return range;
        }
    }

    @Test
    void packageAndDramWrapIndependently() {
        ManualClock clock = new ManualClock();
        SetCounter pkg = new SetCounter(9_000_000, 10_000_000);
        SetCounter dram = new SetCounter(100_000, 1_000_000);
        PackageEnergy energy = new PackageEnergy(new CpuPackage(0, pkg, Optional.of(dram)), clock);
        EnergySample first = energy.sample();

        clock.advance(Duration.ofSeconds(1));
        pkg.raw = 1_000_000; // wrapped: 2 J since the last read
        dram.raw = 600_000; // did not wrap: 0.5 J
        EnergySample second = energy.sample();
        assertEquals(11_000_000, second.packageUj());
        assertEquals(600_000, second.dramUj());
        assertEquals(new PowerMw(2_000, 500L), PowerMw.between(first, second));

        clock.advance(Duration.ofMillis(500));
        pkg.raw = 1_500_000; // no wrap: 0.5 J
        dram.raw = 100_000; // wrapped: 0.5 J
        EnergySample third = energy.sample();
        assertEquals(11_500_000, third.packageUj());
        assertEquals(1_100_000, third.dramUj());
        assertEquals(new PowerMw(1_000, 1_000L), PowerMw.between(second, third));
    }
}
