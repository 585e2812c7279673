package dev.zeusd.device.gpu.amdsmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.DeviceErrorKind;

/** The plain rules of the AMD SMI backend: versions, serialisation, write order, energy verdicts, PCI addresses. */
class AmdSmiRulesTest {
    private static AmdSmiLibraryVersion v(Integer year, int major, int minor, int release) {
        return new AmdSmiLibraryVersion(year, major, minor, release);
    }

    @Test
    void supportedVersionsMatchTheirAbi() {
        assertNull(v(24, 7, 1, 0).problemWith(AmdSmiAbi.V24));
        assertNull(v(25, 25, 4, 0).problemWith(AmdSmiAbi.V25));
        assertNull(v(null, 26, 2, 1).problemWith(AmdSmiAbi.V26));
        assertEquals("libamd_smi.so.26 reports the incompatible version 25.5.0.0; install ROCm 6.3 or later.",
                v(25, 5, 0, 0).problemWith(AmdSmiAbi.V26));
    }

    @Test
    void rocm62IsRefusedNamingTheOldestSupported() {
        assertEquals("AMD SMI 24.6.3.0 is from ROCm 6.2, which zeusd does not support; the oldest supported is "
                + "ROCm 6.3 (AMD SMI 24.7).", v(24, 6, 3, 0).problemWith(AmdSmiAbi.V24));
    }

    @Test
    void callsAreSerialisedBefore26Point2() {
        Object[][] table = {
                { AmdSmiAbi.V24, v(24, 7, 1, 0), true },
                { AmdSmiAbi.V25, v(25, 25, 4, 0), true },
                { AmdSmiAbi.V26, v(null, 26, 0, 0), true },
                { AmdSmiAbi.V26, v(null, 26, 1, 2), true },
                { AmdSmiAbi.V26, v(null, 26, 2, 0), false },
                { AmdSmiAbi.V26, v(null, 26, 2, 1), false },
                { AmdSmiAbi.V26, v(null, 26, 3, 0), false },
                { AmdSmiAbi.V26, v(null, 27, 0, 0), false },
        };
        for (Object[] row : table) {
            AmdSmiLibraryVersion version = (AmdSmiLibraryVersion) row[1];
            assertEquals(row[2], version.needsSerialisedCalls((AmdSmiAbi) row[0]), row[0] + " " + version);
        }
    }

    @Test
    void theGateSerialisesUntilToldOtherwise() {
        AmdSmiCallGate gate = new AmdSmiCallGate();
        assertTrue(gate.serialised());
        gate.serialise(false);
        assertFalse(gate.serialised());
        assertEquals(7, gate.call(() -> 7));
    }

    @Test
    void clockLimitsAreWrittenInTheOrderThatNeverCrossesTheCurrentRange() {
        ClockRange current = new ClockRange(1000, 1500);
        assertEquals(ClockRange.WriteOrder.MAX_FIRST, current.orderTowards(1600), "raising both");
        assertEquals(ClockRange.WriteOrder.MIN_FIRST, current.orderTowards(500), "lowering both");
        assertEquals(ClockRange.WriteOrder.MIN_FIRST, current.orderTowards(1200), "overlapping");
        assertEquals(ClockRange.WriteOrder.MIN_FIRST, current.orderTowards(1500), "new min at the current max");
    }

    @Test
    void energyCounterIsTrustedOnlyStrictlyBetweenATenthAndTenTimesThePower() {
        assertEquals(EnergyCounterCheck.Verdict.RELIABLE, EnergyCounterCheck.verdict(100, 100));
        assertEquals(EnergyCounterCheck.Verdict.RELIABLE, EnergyCounterCheck.verdict(100, 10.5));
        assertEquals(EnergyCounterCheck.Verdict.RELIABLE, EnergyCounterCheck.verdict(100, 999));
        for (double measured : new double[] { 9, 10, 1000, 1001, -5 }) {
            assertEquals(EnergyCounterCheck.Verdict.UNRELIABLE, EnergyCounterCheck.verdict(100, measured),
                    "measured " + measured);
        }
        assertEquals(EnergyCounterCheck.Verdict.CANNOT_VALIDATE, EnergyCounterCheck.verdict(0, 0));
    }

    @Test
    void pciAddressKeepsTheFunctionDigit() {
        assertEquals("0001:c5:00.0", AmdSmiGpu.pciAddress(1L << 16 | 0xc5L << 8));
        assertEquals("0000:83:1f.7", AmdSmiGpu.pciAddress(0x83L << 8 | 0x1fL << 3 | 7));
    }

    @Test
    void powerSentinelsMeanUnavailable() {
        assertTrue(AmdSmiGpu.unavailable(0xFFFF));
        assertTrue(AmdSmiGpu.unavailable(0xFFFF_FFFFL));
        assertFalse(AmdSmiGpu.unavailable(0));
        assertFalse(AmdSmiGpu.unavailable(41));
    }

    @Test
    void statusesMapToTheContractsKinds() {
        assertEquals(DeviceErrorKind.NO_PERMISSION, AmdSmiErrors.kindOf(10));
        assertEquals(DeviceErrorKind.INVALID_ARGUMENT, AmdSmiErrors.kindOf(1));
        assertEquals(DeviceErrorKind.NOT_SUPPORTED, AmdSmiErrors.kindOf(2));
        assertEquals(DeviceErrorKind.INTERNAL, AmdSmiErrors.kindOf(7));
        assertEquals(DeviceErrorKind.INTERNAL, AmdSmiErrors.kindOf(0xFFFFFFFF));
    }
}
