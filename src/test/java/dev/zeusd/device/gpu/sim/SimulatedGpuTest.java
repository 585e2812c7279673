package dev.zeusd.device.gpu.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.testsupport.ManualClock;

class SimulatedGpuTest {
    private final ManualClock clock = new ManualClock();
    private final SimulatedGpu gpu = new SimulatedGpu(0, 42, clock);

    @Test
    void powerNeverExceedsTheLimitAndStaysAboveIdle() {
        gpu.setPowerLimitMw(120_000);
        for (int i = 0; i < 2000; i++) {
            clock.advance(Duration.ofMillis(50));
            long power = gpu.powerMw();
            assertTrue(power <= 120_000, "power " + power + " above limit");
            assertTrue(power >= SimulatedGpu.IDLE_MW, "power " + power + " below idle");
        }
    }

    @Test
    void powerFollowsLoadSoItVaries() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1200; i++) {
            clock.advance(Duration.ofMillis(100));
            long power = gpu.powerMw();
            min = Math.min(min, power);
            max = Math.max(max, power);
        }
        assertTrue(max - min > 50_000, "power barely moved: " + min + ".." + max);
    }

    @Test
    void lowerLockedClocksLowerPower() {
        SimulatedGpu twin = new SimulatedGpu(0, 42, clock);
        twin.setGpuLockedClocks(210, 990);
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(300));
            assertTrue(twin.powerMw() <= gpu.powerMw());
        }
        clock.advance(Duration.ofMillis(300));
        assertTrue(twin.powerMw() < gpu.powerMw());
        twin.resetGpuLockedClocks();
        assertEquals(gpu.powerMw(), twin.powerMw());
    }

    @Test
    void energyIntegratesPowerAndOnlyIncreases() {
        long previous = gpu.totalEnergyMj();
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(100));
            long energy = gpu.totalEnergyMj();
            assertTrue(energy >= previous);
            previous = energy;
        }
        long before = gpu.totalEnergyMj();
        clock.advance(Duration.ofSeconds(10));
        long after = gpu.totalEnergyMj();
        // 10 s between 60 W and 300 W is between 600 J and 3000 J.
        assertTrue(after - before >= 600_000 && after - before <= 3_000_000, "energy delta " + (after - before));
    }

    @Test
    void constraintsAreEnforcedLikeNvml() {
        assertEquals(100_000, gpu.powerLimitConstraints().minPowerLimitMw());
        assertEquals(300_000, gpu.powerLimitConstraints().maxPowerLimitMw());
        DeviceException e = assertThrows(DeviceException.class, () -> gpu.setPowerLimitMw(99_999));
        assertEquals(DeviceErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().startsWith("GPU 0:"), e.getMessage());
        assertThrows(DeviceException.class, () -> gpu.setPowerLimitMw(300_001));
        assertThrows(DeviceException.class, () -> gpu.setGpuLockedClocks(1500, 1000));
        assertThrows(DeviceException.class, () -> gpu.setMemLockedClocks(100, 5000));
        assertEquals(300_000, gpu.powerLimitMw());
    }

    @Test
    void settingsAreRemembered() {
        assertFalse(gpu.persistenceMode());
        gpu.setPersistenceMode(true);
        assertTrue(gpu.persistenceMode());
        gpu.setPowerLimitMw(200_000);
        assertEquals(200_000, gpu.powerLimitMw());
    }

    @Test
    void sameSeedSameReadings() {
        SimulatedGpu a = new SimulatedGpu(1, 7, clock);
        SimulatedGpu b = new SimulatedGpu(1, 7, clock);
        clock.advance(Duration.ofSeconds(3));
        assertEquals(a.powerMw(), b.powerMw());
        assertEquals(a.totalEnergyMj(), b.totalEnergyMj());
    }
}
