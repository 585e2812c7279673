package dev.zeusd.device;

import java.util.List;

/**
 * One GPU. Implementations are not thread-safe: the service layer's calls on one device never overlap and run in
 * arrival order ({@code DeviceWorkers}), except {@link #identity()}, which is fixed when the backend opens the device.
 * Every method may throw {@link DeviceException}.
 */
public interface GpuDevice {
    /** Name, PCI address and capabilities, fixed when the backend opened the device. */
    GpuIdentity identity();

    /** Instant power draw. */
    long powerMw();

    /** Energy used since the driver was loaded. */
    long totalEnergyMj();

    long powerLimitMw();

    PowerLimitConstraints powerLimitConstraints();

    boolean persistenceMode();

    /**
     * The UUIDs ({@code MIG-...}) of the MIG devices this GPU is partitioned into now; empty when it is not
     * partitioned or the backend has no such thing. Read when asked: a GPU can be repartitioned while zeusd runs.
     */
    default List<String> migDeviceUuids() {
        return List.of();
    }

    void setPowerLimitMw(long powerLimitMw);

    void setPersistenceMode(boolean enabled);

    void setGpuLockedClocks(long minClockMhz, long maxClockMhz);

    void resetGpuLockedClocks();

    void setMemLockedClocks(long minClockMhz, long maxClockMhz);

    void resetMemLockedClocks();

    /**
     * Every clock domain back to default: both resets are attempted, and the first failure is reported. Backends
     * with one call for all domains override this.
     */
    default void resetLockedClocks() {
        DeviceException first = null;
        try {
            resetGpuLockedClocks();
        } catch (DeviceException e) {
            first = e;
        }
        try {
            resetMemLockedClocks();
        } catch (DeviceException e) {
            if (first == null) {
                first = e;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
