package dev.zeusd.device.cpu.sim;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.cpu.CpuPackage;
import dev.zeusd.device.cpu.RaplDomain;

/** Two simulated packages: package 0 with a DRAM domain, package 1 without, as on many client boards. */
public final class SimulatedCpuBackend implements CpuBackend {
    /** The range Intel reports on most server parts (about 262 kJ). */
    public static final long INTEL_MAX_ENERGY_RANGE_UJ = 262_143_328_850L;

    private final List<CpuPackage> packages;

    public SimulatedCpuBackend(LongSupplier nanoClock) {
        this(INTEL_MAX_ENERGY_RANGE_UJ, nanoClock);
    }

    public SimulatedCpuBackend(long maxEnergyRangeUj, LongSupplier nanoClock) {
        // Start counters partway through their range, as on a machine that has been up for a while.
        RaplDomain package0 = new SimulatedRaplDomain(maxEnergyRangeUj, 65, 25, 30, 0.3, maxEnergyRangeUj * 0.42,
                nanoClock);
        RaplDomain dram0 = new SimulatedRaplDomain(maxEnergyRangeUj, 9, 3, 17, 1.1, maxEnergyRangeUj * 0.17,
                nanoClock);
        RaplDomain package1 = new SimulatedRaplDomain(maxEnergyRangeUj, 55, 20, 41, 2.0, maxEnergyRangeUj * 0.73,
                nanoClock);
        this.packages = List.of(pkg(0, package0, dram0), pkg(1, package1, null));
    }

    private static CpuPackage pkg(int index, RaplDomain packageDomain, RaplDomain dram) {
        return new CpuPackage(index, packageDomain, Optional.ofNullable(dram));
    }

    @Override
    public List<CpuPackage> packages() {
        return packages;
    }
}
