package dev.zeusd.device.cpu;

import java.util.function.LongSupplier;


/**
 * The extended counters of one package and its recent samples: RAPL energy accounting, without threads. Not
 * thread-safe: the CPU service calls it only from the package's own worker.
 */
public final class PackageEnergy {
    private final CpuPackage cpuPackage;
    private final LongSupplier nanoClock;
    private final WraparoundCounter packageCounter;
    private final WraparoundCounter dramCounter;
    private final PowerWindow window = new PowerWindow();

    public PackageEnergy(CpuPackage cpuPackage, LongSupplier nanoClock) {
        this.cpuPackage = cpuPackage;
        this.nanoClock = nanoClock;
        this.packageCounter = new WraparoundCounter(cpuPackage.packageDomain().maxEnergyRangeUj());
        this.dramCounter = cpuPackage.dramDomain().map(d -> new WraparoundCounter(d.maxEnergyRangeUj())).orElse(null);
    }

    public CpuPackage cpuPackage() {
        return cpuPackage;
    }

    public boolean hasDram() {
        return dramCounter != null;
    }

    /** Reads the hardware once, extends both counters and remembers the sample for power computation. */
    public EnergySample sample() {
        long packageUj = packageCounter.update(cpuPackage.packageDomain().energyUj());
        Long dramUj = null;
        if (dramCounter != null) {
            RaplDomain dram = cpuPackage.dramDomain().orElseThrow();
            dramUj = dramCounter.update(dram.energyUj());
        }
        EnergySample sample = new EnergySample(nanoClock.getAsLong(), packageUj, dramUj);
        window.add(sample);
        return sample;
    }

    public PowerWindow window() {
        return window;
    }
}
