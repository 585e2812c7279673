package dev.zeusd.device.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WraparoundCounterTest {
    @Test
    void startsAtTheRawValueAndFollowsIt() {
        WraparoundCounter counter = new WraparoundCounter(1000);
        assertEquals(100, counter.update(100));
        assertEquals(350, counter.update(350));
    }

    @Test
    void extendsAcrossWraps() {
        WraparoundCounter counter = new WraparoundCounter(1000);
        counter.update(900);
        assertEquals(1100, counter.update(100)); // 100 to the top, 100 past it
        counter.update(800);
        assertEquals(2100, counter.update(100));
    }

    @Test
    void backwardsWithoutAPlausibleWrapIsDropped() {
        WraparoundCounter counter = new WraparoundCounter(1000);
        counter.update(500);
        assertEquals(500, counter.update(400)); // would need a 900 uJ wrap: a reset, not energy
    }

    @Test
    void continuesFromTheNewBaselineAfterADroppedReading() {
        WraparoundCounter counter = new WraparoundCounter(1000);
        counter.update(500);
        counter.update(400);
        assertEquals(550, counter.update(450));
    }
}
