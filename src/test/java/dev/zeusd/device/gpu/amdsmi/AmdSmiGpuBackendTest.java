package dev.zeusd.device.gpu.amdsmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.StartupException;
import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;
import dev.zeusd.testsupport.FakeAmdSmi;

/** The binding in this JVM, through real JNA, against the fake libamd_smi.so of each ABI. */
class AmdSmiGpuBackendTest {
    @TempDir
    Path opt;

    private AmdSmiGpuBackend open(String build) {
        return AmdSmiGpuBackend.open(AmdSmiLibrarySearch.of(FakeAmdSmi.libraryDir(build).toString(), null, opt));
    }

    @Test
    void abi26FindsBothGpusWithTheirNamesAddressesAndTrustedCounters() {
        try (AmdSmiGpuBackend backend = open("abi26")) {
            List<GpuIdentity> identities = backend.devices().stream().map(GpuDevice::identity).toList();
            assertEquals(List.of(new GpuIdentity("AMD Instinct MI300X", "0000:c1:00.0", true),
                    new GpuIdentity("AMD Instinct MI210", "0001:05:00.1", false)), identities);
            assertFalse(backend.serialisedCalls(), "26.2 is thread-safe");
            GpuDevice gpu0 = backend.devices().get(0);
            GpuDevice gpu1 = backend.devices().get(1);
            assertEquals(350_000, gpu0.powerMw(), "current socket power, W x 1000");
            assertEquals(120_000, gpu1.powerMw(), "current unavailable: the average");
            assertEquals(750_000, gpu0.powerLimitMw());
            assertEquals(new PowerLimitConstraints(200_000, 750_000), gpu0.powerLimitConstraints());
            gpu0.setPowerLimitMw(400_000);
            assertEquals(400_000, gpu0.powerLimitMw());
            long energy = gpu0.totalEnergyMj();
            assertTrue(gpu0.totalEnergyMj() >= energy);
            DeviceException untrusted = assertThrows(DeviceException.class, gpu1::totalEnergyMj);
            assertEquals(DeviceErrorKind.INVALID_ARGUMENT, untrusted.kind());
            assertTrue(untrusted.getMessage().startsWith("Invalid request: "), untrusted.getMessage());
        }
    }

    @Test
    void abi24ReadsItsOwnPowerLayoutAndSerialisesEveryCall() {
        try (AmdSmiGpuBackend backend = open("abi24")) {
            assertTrue(backend.serialisedCalls(), "24.7 is not thread-safe");
            assertEquals(350_000, backend.devices().get(0).powerMw());
            assertEquals(120_000, backend.devices().get(1).powerMw());
            assertEquals("AMD Instinct MI210", backend.devices().get(1).identity().name());
        }
    }

    @Test
    void outOfRangeValuesAreTheLibrarysInvalAs400() {
        try (AmdSmiGpuBackend backend = open("abi26")) {
            DeviceException e = assertThrows(DeviceException.class,
                    () -> backend.devices().get(0).setPowerLimitMw(50_000));
            assertEquals(DeviceErrorKind.INVALID_ARGUMENT, e.kind());
            assertEquals("GPU 0: amdsmi_set_power_cap: AMDSMI_STATUS_INVAL: Invalid parameters (AMD SMI status 1)",
                    e.getMessage());
        }
    }

    @Test
    void rocm62WithoutTheClockLimitFunctionIsRefusedNamingTheOldestSupported() {
        StartupException e = assertThrows(StartupException.class, () -> open("rocm-6.2"));
        assertEquals("The AMD SMI library " + FakeAmdSmi.libraryDir("rocm-6.2").resolve("libamd_smi.so.24")
                + " is from ROCm 6.2 (it lacks amdsmi_set_gpu_clk_limit), which zeusd does not support; the oldest "
                + "supported is ROCm 6.3 (AMD SMI 24.7).", e.getMessage());
    }

    @Test
    void anEmptyLibDirIsOneSentenceNamingTheVariable() {
        StartupException e = assertThrows(StartupException.class,
                () -> AmdSmiGpuBackend.open(AmdSmiLibrarySearch.of(opt.toString(), "/elsewhere", opt)));
        assertEquals("AMD SMI library not found (AMDSMI_LIB_DIR=" + opt + "; tried " + opt + "/libamd_smi.so.26, "
                + opt + "/libamd_smi.so.25, " + opt + "/libamd_smi.so.24); install ROCm 6.3 or later, set "
                + "AMDSMI_LIB_DIR to the directory that holds libamd_smi.so, or run with --enable cpu-read or "
                + "--simulate.", e.getMessage());
    }
}
