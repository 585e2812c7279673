package dev.zeusd.device.cpu.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.ManualClock;

class SimulatedRaplDomainTest {
    @Test
    void counterWrapsAtItsRangeLikeTheHardware() {
        ManualClock clock = new ManualClock();
        long range = 1_000_000_000L; // 1 kJ: wraps in about 15 s at 65 W
        SimulatedRaplDomain domain = new SimulatedRaplDomain(range, 65, 25, 30, 0, range * 0.9, clock);
        long previous = domain.energyUj();
        int wraps = 0;
        for (int i = 0; i < 600; i++) {
            clock.advance(Duration.ofMillis(100));
            long value = domain.energyUj();
            assertTrue(value >= 0 && value <= range);
            if (value < previous) {
                wraps++;
            }
            previous = value;
        }
        assertTrue(wraps >= 2, "expected wraps in 60 s, saw " + wraps);
    }

    @Test
    void averagePowerIsTheBaseOverWholePeriods() {
        ManualClock clock = new ManualClock();
        SimulatedRaplDomain domain = new SimulatedRaplDomain(Long.MAX_VALUE / 2, 65, 25, 30, 0, 0, clock);
        double start = domain.unwrappedEnergyUj();
        clock.advance(Duration.ofSeconds(300));
        assertEquals(65.0 * 300 * 1e6, domain.unwrappedEnergyUj() - start, 1e3);
    }
}
