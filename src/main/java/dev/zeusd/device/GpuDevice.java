package dev.zeusd.device;

/**
 * One GPU. Implementations are not thread-safe: the service layer calls each device only from that device's own
 * serial worker. Every method may throw {@link DeviceException}.
 */
public interface GpuDevice {
    /** Instant power draw. */
    long powerMw();

    /** Energy used since the driver was loaded. */
    long totalEnergyMj();

    long powerLimitMw();

    PowerLimitConstraints powerLimitConstraints();

    boolean persistenceMode();

    void setPowerLimitMw(long powerLimitMw);

    void setPersistenceMode(boolean enabled);

    void setGpuLockedClocks(long minClockMhz, long maxClockMhz);

    void resetGpuLockedClocks();

    void setMemLockedClocks(long minClockMhz, long maxClockMhz);

    void resetMemLockedClocks();
}
