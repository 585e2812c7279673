package dev.zeusd.service.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.cpu.sim.SimulatedCpuBackend;

class CpuServiceTest {

    @Test
    void wrapGuardReadsWellBeforeACounterCanWrap() {
        // Intel's usual range wraps in 262 s at 1 kW: the guard keeps the original's 30 s.
        assertEquals(Duration.ofSeconds(30), WrapGuard.periodFor(SimulatedCpuBackend.INTEL_MAX_ENERGY_RANGE_UJ));
        // A 10 kJ range wraps in 10 s at 1 kW: read every 5 s.
        assertEquals(Duration.ofSeconds(5), WrapGuard.periodFor(10_000_000_000L));
    }

    @Test
    void oneShotPowerOfSimulatedPackagesIsPlausibleAndDramIsNullWithoutDram() {
        try (CpuService service = new CpuService(new SimulatedCpuBackend(System::nanoTime).packages(),
                System::nanoTime)) {
            assertEquals(List.of(0, 1), List.copyOf(service.ids()));
            var power = service.power(Set.of(0, 1)).toCompletableFuture().join();
            assertTrue(power.get(0).cpuMw() > 30_000 && power.get(0).cpuMw() < 100_000, power.toString());
            assertTrue(power.get(0).dramMw() > 3_000 && power.get(0).dramMw() < 15_000, power.toString());
            assertNull(power.get(1).dramMw());
            var energy = service.cumulativeEnergy(Set.of(1)).toCompletableFuture().join();
            assertNull(energy.get(1).dramUj());
        }
    }

    @Test
    void cumulativeEnergyIsExactAcrossWraps() {
        dev.zeusd.testsupport.ManualClock clock = new dev.zeusd.testsupport.ManualClock();
        long range = 2_000_000_000L; // wraps about every 30 s at 65 W
        SimulatedCpuBackend backend = new SimulatedCpuBackend(range, clock);
        try (CpuService service = new CpuService(backend.packages(), clock)) {
            long first = service.cumulativeEnergy(Set.of(0)).toCompletableFuture().join().get(0).packageUj();
            long previous = first;
            for (int i = 0; i < 100; i++) { // 100 s: several wraps
                clock.advance(Duration.ofSeconds(1));
                long now = service.cumulativeEnergy(Set.of(0)).toCompletableFuture().join().get(0).packageUj();
                assertTrue(now > previous);
                previous = now;
            }
            // Average 65 W with a 30 s wave: over 100 s between 55 and 75 W.
            double watts = (previous - first) / 1e6 / 100;
            assertTrue(watts > 55 && watts < 75, "average " + watts + " W");
        }
    }
}
