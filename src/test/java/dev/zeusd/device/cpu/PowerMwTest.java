package dev.zeusd.device.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PowerMwTest {
    @Test
    void powerUsesTheMeasuredElapsedTime() {
        EnergySample a = new EnergySample(0, 1_000_000, 500_000L);
        EnergySample b = new EnergySample(250_000_000L, 21_000_000, 2_500_000L); // 20 J and 2 J in 0.25 s
        PowerMw power = PowerMw.between(a, b);
        assertEquals(80_000, power.cpuMw());
        assertEquals(8_000, power.dramMw());
        assertNull(PowerMw.between(new EnergySample(0, 0, null), new EnergySample(1_000_000_000L, 1, null)).dramMw());
    }
}
