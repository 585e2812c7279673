package dev.zeusd.device.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PowerWindowTest {
    @Test
    void windowPairsWithARecentEnoughSampleOnly() {
        PowerWindow window = new PowerWindow();
        EnergySample old = new EnergySample(0, 0, null);
        window.add(old);
        EnergySample tooClose = new EnergySample(5_000_000L, 1, null);
        assertTrue(window.partnerFor(tooClose).isEmpty());
        EnergySample fine = new EnergySample(50_000_000L, 2, null);
        assertEquals(old, window.partnerFor(fine).orElseThrow());
        EnergySample stale = new EnergySample(2_000_000_000L, 3, null);
        window.add(fine);
        assertTrue(window.partnerFor(stale).isEmpty());
    }
}
