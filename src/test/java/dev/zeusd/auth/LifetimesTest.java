package dev.zeusd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LifetimesTest {
    @Test
    void humanDurations() {
        assertEquals(Duration.ofMinutes(30), Lifetimes.parse("30m"));
        assertEquals(Duration.ofHours(1), Lifetimes.parse("1h"));
        assertEquals(Duration.ofDays(7), Lifetimes.parse("7d"));
        assertEquals(Duration.ofDays(30), Lifetimes.parse("30d"));
        assertEquals(Duration.ofHours(36), Lifetimes.parse("1d12h"));
        assertEquals(Duration.ofDays(14), Lifetimes.parse("2w"));
    }

    @Test
    void neverAndZeroMeanNoExpiry() {
        assertNull(Lifetimes.parse("never"));
        assertNull(Lifetimes.parse("0"));
    }

    @Test
    void garbageIsRefused() {
        for (String bad : new String[] { "", "7", "d7", "1y", "-1h", "1h-", "0h", "soon" }) {
            assertThrows(IllegalArgumentException.class, () -> Lifetimes.parse(bad), bad);
        }
    }
}
