package dev.zeusd.device.gpu.sim;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;

/**
 * A plausible, deterministic GPU for demos, dev mode and client development. Its workload follows a seeded load
 * pattern; power rises with load, falls with lower locked clocks and never exceeds the power limit; the energy
 * counter integrates power over time. Invalid settings fail with the error kinds a real NVML device gives.
 */
public final class SimulatedGpu implements GpuDevice {
    static final long IDLE_MW = 60_000;
    static final long MIN_LIMIT_MW = 100_000;
    static final long MAX_LIMIT_MW = 300_000;
    static final long MIN_GPU_CLOCK_MHZ = 210;
    static final long MAX_GPU_CLOCK_MHZ = 1980;
    static final long MIN_MEM_CLOCK_MHZ = 405;
    static final long MAX_MEM_CLOCK_MHZ = 2619;

    /** A mixed node, so that clients see distinct models. */
    private static final String[] MODELS = { "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "NVIDIA L40S",
        "NVIDIA A40" };

    private final int index;
    private final GpuIdentity identity;
    private final long seed;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final double loadPeriodS;
    private final double loadPhase;

    private long powerLimitMw = MAX_LIMIT_MW;
    private boolean persistenceMode;
    private long maxGpuClockMhz = MAX_GPU_CLOCK_MHZ;
    private long maxMemClockMhz = MAX_MEM_CLOCK_MHZ;
    private double energyMj;
    private long integratedUntilNanos;

    public SimulatedGpu(int index, long seed, LongSupplier nanoClock) {
        this.index = index;
        this.identity = new GpuIdentity(MODELS[index % MODELS.length] + (index < MODELS.length ? "" : " #" + index),
                GpuIdentity.pciAddress(0, 0x18 + 0x11L * index, 0, 0), true,
                String.format("GPU-5eed%04x-0000-4000-8000-%012x", index, seed));
        this.seed = seed;
        this.nanoClock = nanoClock;
        SplittableRandom random = new SplittableRandom(seed);
        this.loadPeriodS = 20 + random.nextDouble(40);
        this.loadPhase = random.nextDouble(2 * Math.PI);
        this.energyMj = 1e6 + random.nextDouble(1e8); // the driver has been up for a while
        this.startNanos = nanoClock.getAsLong();
        this.integratedUntilNanos = startNanos;
    }

    @Override
    public GpuIdentity identity() {
        return identity;
    }

    /** Workload in [0, 1]: a slow wave plus a little seeded noise that changes every 100 ms. */
    double loadAt(long nanos) {
        double t = (nanos - startNanos) / 1e9;
        double wave = 0.55 + 0.35 * Math.sin(2 * Math.PI * t / loadPeriodS + loadPhase);
        long step = (long) Math.floor(t * 10);
        double noise = new SplittableRandom(seed * 31 + step).nextDouble(-0.05, 0.05);
        return Math.max(0, Math.min(1, wave + noise));
    }

    private long powerAt(long nanos) {
        double clockFactor = (double) maxGpuClockMhz / MAX_GPU_CLOCK_MHZ;
        double memFactor = 0.85 + 0.15 * maxMemClockMhz / MAX_MEM_CLOCK_MHZ;
        double demandMw = IDLE_MW + loadAt(nanos) * (MAX_LIMIT_MW - IDLE_MW) * clockFactor * memFactor;
        return Math.min(Math.round(demandMw), powerLimitMw);
    }

    /** Brings the energy counter up to now, at the settings in force until now. */
    private long advance() {
        long now = nanoClock.getAsLong();
        long elapsed = now - integratedUntilNanos;
        if (elapsed > 0) {
            energyMj += powerAt(integratedUntilNanos + elapsed / 2) * (elapsed / 1e9);
            integratedUntilNanos = now;
        }
        return now;
    }

    @Override
    public long powerMw() {
        return powerAt(advance());
    }

    @Override
    public long totalEnergyMj() {
        advance();
        return (long) energyMj;
    }

    @Override
    public long powerLimitMw() {
        return powerLimitMw;
    }

    @Override
    public PowerLimitConstraints powerLimitConstraints() {
        return new PowerLimitConstraints(MIN_LIMIT_MW, MAX_LIMIT_MW);
    }

    @Override
    public boolean persistenceMode() {
        return persistenceMode;
    }

    @Override
    public void setPowerLimitMw(long requestedMw) {
        PowerLimitConstraints constraints = powerLimitConstraints();
        if (!constraints.allows(requestedMw)) {
            throw invalid("power limit " + requestedMw + " mW is outside the allowed range "
                    + constraints.minPowerLimitMw() + "-" + constraints.maxPowerLimitMw() + " mW");
        }
        advance();
        powerLimitMw = requestedMw;
    }

    @Override
    public void setPersistenceMode(boolean enabled) {
        persistenceMode = enabled;
    }

    @Override
    public void setGpuLockedClocks(long minClockMhz, long maxClockMhz) {
        checkClockRange("GPU", minClockMhz, maxClockMhz, MIN_GPU_CLOCK_MHZ, MAX_GPU_CLOCK_MHZ);
        advance();
        maxGpuClockMhz = maxClockMhz;
    }

    @Override
    public void resetGpuLockedClocks() {
        advance();
        maxGpuClockMhz = MAX_GPU_CLOCK_MHZ;
    }

    @Override
    public void setMemLockedClocks(long minClockMhz, long maxClockMhz) {
        checkClockRange("memory", minClockMhz, maxClockMhz, MIN_MEM_CLOCK_MHZ, MAX_MEM_CLOCK_MHZ);
        advance();
        maxMemClockMhz = maxClockMhz;
    }

    @Override
    public void resetMemLockedClocks() {
        advance();
        maxMemClockMhz = MAX_MEM_CLOCK_MHZ;
    }

    private void checkClockRange(String what, long min, long max, long lowest, long highest) {
        if (min > max || min < lowest || max > highest) {
            throw invalid(what + " clock range " + min + "-" + max + " MHz is invalid (supported: "
                    + lowest + "-" + highest + " MHz, min <= max)");
        }
    }

    private DeviceException invalid(String what) {
        return new DeviceException(DeviceErrorKind.INVALID_ARGUMENT,
                "GPU " + index + ": Invalid Argument: " + what);
    }
}
