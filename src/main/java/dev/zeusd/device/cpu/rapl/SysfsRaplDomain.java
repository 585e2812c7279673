package dev.zeusd.device.cpu.rapl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.cpu.RaplDomain;

/** One powercap zone: {@code energy_uj} read on every call, {@code max_energy_range_uj} once. */
final class SysfsRaplDomain implements RaplDomain {
    private final Path energyFile;
    private final long maxEnergyRangeUj;

    SysfsRaplDomain(Path zone) throws IOException {
        this.energyFile = zone.resolve("energy_uj");
        this.maxEnergyRangeUj = readLong(zone.resolve("max_energy_range_uj"));
    }

    static long readLong(Path file) throws IOException {
        String text = Files.readString(file).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a number: '" + text + "'");
        }
    }

    Path energyFile() {
        return energyFile;
    }

    @Override
    public long energyUj() {
        try {
            return readLong(energyFile);
        } catch (IOException e) {
            throw new DeviceException(DeviceErrorKind.INTERNAL, "cannot read " + energyFile + ": " + e.getMessage());
        }
    }

    @Override
    public long maxEnergyRangeUj() {
        return maxEnergyRangeUj;
    }
}
