package dev.zeusd.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A powercap tree in a temp dir, laid out like /sys/class/powercap, whose counters tests set by hand. */
public final class FakePowercap {
    private final Path root;

    public FakePowercap(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public FakePowercap addPackage(int index, long maxRangeUj, long energyUj) {
        Path zone = packageZone(index);
        write(zone.resolve("name"), "package-" + index);
        write(zone.resolve("max_energy_range_uj"), Long.toString(maxRangeUj));
        write(zone.resolve("energy_uj"), Long.toString(energyUj));
        // A core subzone, which must not be mistaken for DRAM.
        Path core = zone.resolve("intel-rapl:" + index + ":1");
        write(core.resolve("name"), "core");
        write(core.resolve("max_energy_range_uj"), Long.toString(maxRangeUj));
        write(core.resolve("energy_uj"), "1");
        return this;
    }

    public FakePowercap addDram(int index, long maxRangeUj, long energyUj) {
        Path zone = dramZone(index);
        write(zone.resolve("name"), "dram");
        write(zone.resolve("max_energy_range_uj"), Long.toString(maxRangeUj));
        write(zone.resolve("energy_uj"), Long.toString(energyUj));
        return this;
    }

    public void setPackage(int index, long energyUj) {
        write(packageZone(index).resolve("energy_uj"), Long.toString(energyUj));
    }

    public void setDram(int index, long energyUj) {
        write(dramZone(index).resolve("energy_uj"), Long.toString(energyUj));
    }

    public Path packageZone(int index) {
        return root.resolve("intel-rapl").resolve("intel-rapl:" + index);
    }

    private Path dramZone(int index) {
        return packageZone(index).resolve("intel-rapl:" + index + ":0");
    }

    private static void write(Path file, String value) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
