package dev.zeusd.device.gpu.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.PowerLimitConstraints;

/**
 * One GPU through NVML. Instant power comes from {@code nvmlDeviceGetPowerUsage}, which every NVML-supported GPU
 * answers; on Ampere and later it is a one-second average, which is what the original's fallback reads too.
 */
final class NvmlGpu implements GpuDevice {
    private final Nvml nvml;
    private final int index;
    private final Pointer handle;

    NvmlGpu(Nvml nvml, int index, Pointer handle) {
        this.nvml = nvml;
        this.index = index;
        this.handle = handle;
    }

    private void check(int code, String call) {
        NvmlErrors.check(nvml, code, "GPU " + index + ": " + call);
    }

    @Override
    public long powerMw() {
        IntByReference power = new IntByReference();
        check(nvml.nvmlDeviceGetPowerUsage(handle, power), "nvmlDeviceGetPowerUsage");
        return Integer.toUnsignedLong(power.getValue());
    }

    @Override
    public long totalEnergyMj() {
        LongByReference energy = new LongByReference();
        check(nvml.nvmlDeviceGetTotalEnergyConsumption(handle, energy), "nvmlDeviceGetTotalEnergyConsumption");
        return energy.getValue();
    }

    @Override
    public long powerLimitMw() {
        IntByReference limit = new IntByReference();
        check(nvml.nvmlDeviceGetPowerManagementLimit(handle, limit), "nvmlDeviceGetPowerManagementLimit");
        return Integer.toUnsignedLong(limit.getValue());
    }

    @Override
    public PowerLimitConstraints powerLimitConstraints() {
        IntByReference min = new IntByReference();
        IntByReference max = new IntByReference();
        check(nvml.nvmlDeviceGetPowerManagementLimitConstraints(handle, min, max),
                "nvmlDeviceGetPowerManagementLimitConstraints");
        return new PowerLimitConstraints(Integer.toUnsignedLong(min.getValue()), Integer.toUnsignedLong(max.getValue()));
    }

    @Override
    public boolean persistenceMode() {
        IntByReference mode = new IntByReference();
        check(nvml.nvmlDeviceGetPersistenceMode(handle, mode), "nvmlDeviceGetPersistenceMode");
        return mode.getValue() == Nvml.NVML_FEATURE_ENABLED;
    }

    @Override
    public void setPowerLimitMw(long powerLimitMw) {
        check(nvml.nvmlDeviceSetPowerManagementLimit(handle, (int) powerLimitMw), "nvmlDeviceSetPowerManagementLimit");
    }

    @Override
    public void setPersistenceMode(boolean enabled) {
        check(nvml.nvmlDeviceSetPersistenceMode(handle, enabled ? Nvml.NVML_FEATURE_ENABLED
                : Nvml.NVML_FEATURE_DISABLED), "nvmlDeviceSetPersistenceMode");
    }

    @Override
    public void setGpuLockedClocks(long minClockMhz, long maxClockMhz) {
        check(nvml.nvmlDeviceSetGpuLockedClocks(handle, (int) minClockMhz, (int) maxClockMhz),
                "nvmlDeviceSetGpuLockedClocks");
    }

    @Override
    public void resetGpuLockedClocks() {
        check(nvml.nvmlDeviceResetGpuLockedClocks(handle), "nvmlDeviceResetGpuLockedClocks");
    }

    @Override
    public void setMemLockedClocks(long minClockMhz, long maxClockMhz) {
        check(nvml.nvmlDeviceSetMemoryLockedClocks(handle, (int) minClockMhz, (int) maxClockMhz),
                "nvmlDeviceSetMemoryLockedClocks");
    }

    @Override
    public void resetMemLockedClocks() {
        check(nvml.nvmlDeviceResetMemoryLockedClocks(handle), "nvmlDeviceResetMemoryLockedClocks");
    }
}
