package dev.zeusd.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;

/** A GPU that records every call (with the calling thread) so tests can check ordering and threading. */
public final class RecordingGpu implements GpuDevice {
    public record Call(String operation, long value, String thread) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final long delayMicros;

    public RecordingGpu(long delayMicros) {
        this.delayMicros = delayMicros;
    }

    public List<Call> calls() {
        return calls;
    }

    private void record(String operation, long value) {
        calls.add(new Call(operation, value, Thread.currentThread().getName()));
        if (delayMicros > 0) {
            try {
                Thread.sleep(delayMicros / 1000, (int) (delayMicros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public GpuIdentity identity() {
        return new GpuIdentity("Recording GPU", "0000:00:00.0", true);
    }

    @Override
    public long powerMw() {
        record("power", 0);
        return 1;
    }

    @Override
    public long totalEnergyMj() {
        return 0;
    }

    @Override
    public long powerLimitMw() {
        return 0;
    }

    @Override
    public PowerLimitConstraints powerLimitConstraints() {
        return new PowerLimitConstraints(0, Long.MAX_VALUE);
    }

    @Override
    public boolean persistenceMode() {
        return false;
    }

    @Override
    public void setPowerLimitMw(long powerLimitMw) {
        record("set_power_limit", powerLimitMw);
    }

    @Override
    public void setPersistenceMode(boolean enabled) {
        record("set_persistence_mode", enabled ? 1 : 0);
    }

    @Override
    public void setGpuLockedClocks(long minClockMhz, long maxClockMhz) {
        record("set_gpu_locked_clocks", maxClockMhz);
    }

    @Override
    public void resetGpuLockedClocks() {
        record("reset_gpu_locked_clocks", 0);
    }

    @Override
    public void setMemLockedClocks(long minClockMhz, long maxClockMhz) {
        record("set_mem_locked_clocks", maxClockMhz);
    }

    @Override
    public void resetMemLockedClocks() {
        record("reset_mem_locked_clocks", 0);
    }
}
