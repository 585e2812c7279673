package dev.zeusd.device.cpu.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.StartupException;
import dev.zeusd.device.cpu.CpuPackage;
import dev.zeusd.testsupport.FakePowercap;

class RaplCpuBackendTest {
    @TempDir
    Path root;

    @Test
    void onePackageWithDram() {
        FakePowercap tree = new FakePowercap(root).addPackage(0, 1000, 10).addDram(0, 500, 20);
        List<CpuPackage> packages = RaplCpuBackend.open(root).packages();
        assertEquals(1, packages.size());
        assertEquals(10, packages.get(0).packageDomain().energyUj());
        assertEquals(1000, packages.get(0).packageDomain().maxEnergyRangeUj());
        assertEquals(20, packages.get(0).dramDomain().orElseThrow().energyUj());
        tree.setPackage(0, 11);
        assertEquals(11, packages.get(0).packageDomain().energyUj(), "energy_uj is read on every call");
    }

    @Test
    void twoPackagesSecondWithoutDramInIndexOrder() {
        new FakePowercap(root).addPackage(1, 1000, 5).addPackage(0, 1000, 3).addDram(0, 500, 1);
        List<CpuPackage> packages = RaplCpuBackend.open(root).packages();
        assertEquals(List.of(0, 1), packages.stream().map(CpuPackage::index).toList());
        assertTrue(packages.get(0).dramDomain().isPresent());
        assertFalse(packages.get(1).dramDomain().isPresent(), "the core subzone is not DRAM");
    }

    @Test
    void noRaplIsAClearStartupError() {
        StartupException e = assertThrows(StartupException.class, () -> RaplCpuBackend.open(root));
        assertTrue(e.getMessage().startsWith("No RAPL packages found under " + root.resolve("intel-rapl")),
                e.getMessage());
    }

    @Test
    void unreadableCounterNamesTheFile() throws IOException {
        FakePowercap tree = new FakePowercap(root).addPackage(0, 1000, 10);
        Path energy = tree.packageZone(0).resolve("energy_uj");
        Files.delete(energy);
        Files.createDirectory(energy); // reading a directory fails even for root
        StartupException e = assertThrows(StartupException.class, () -> RaplCpuBackend.open(root));
        assertTrue(e.getMessage().contains(tree.packageZone(0).toString()), e.getMessage());
    }

    @Test
    void theContainerConventionWinsWhenItExists(@TempDir Path dir) throws Exception {
        Path container = dir.resolve("zeus_sys/class/powercap");
        Path host = dir.resolve("sys/class/powercap");
        assertEquals(host, RaplCpuBackend.firstExisting(container, host));
        Files.createDirectories(container);
        assertEquals(container, RaplCpuBackend.firstExisting(container, host));
        assertEquals(Path.of("/zeus_sys/class/powercap"), RaplCpuBackend.CONTAINER_ROOT);
        assertEquals(Path.of("/sys/class/powercap"), RaplCpuBackend.HOST_ROOT);
    }
}
