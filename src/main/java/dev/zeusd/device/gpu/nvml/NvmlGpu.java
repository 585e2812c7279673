package dev.zeusd.device.gpu.nvml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;

/**
 * One GPU through NVML. Instant power comes from {@code nvmlDeviceGetPowerUsage}, which every NVML-supported GPU
 * answers; on Ampere and later it is a one-second average, which is what the original's fallback reads too.
 */
final class NvmlGpu implements GpuDevice {
    private static final Logger LOG = Logger.getLogger(NvmlGpu.class);

    private final Nvml nvml;
    private final int index;
    private final Pointer handle;
    private final GpuIdentity identity;

    /** Asks NVML for the name, PCI address and energy counter once: they do not change while the driver runs. */
    NvmlGpu(Nvml nvml, int index, Pointer handle) {
        this.nvml = nvml;
        this.index = index;
        this.handle = handle;
        this.identity = new GpuIdentity(readName(), readPciAddress(), probeEnergyCounter(), readUuid());
    }

    private String readName() {
        byte[] name = new byte[Nvml.NVML_DEVICE_NAME_BUFFER_SIZE];
        check(nvml.nvmlDeviceGetName(handle, name, name.length), "nvmlDeviceGetName");
        return Native.toString(name, StandardCharsets.UTF_8.name());
    }

    private String readUuid() {
        return uuidOf(handle);
    }

    /** A GPU's or a MIG device's UUID. */
    private String uuidOf(Pointer device) {
        byte[] uuid = new byte[Nvml.NVML_DEVICE_UUID_BUFFER_SIZE];
        check(nvml.nvmlDeviceGetUUID(device, uuid, uuid.length), "nvmlDeviceGetUUID");
        return Native.toString(uuid, StandardCharsets.US_ASCII.name());
    }

    /** Zeus matches GPUs by this exact text: lower-case, from the numeric fields, never NVML's busId string. */
    private String readPciAddress() {
        NvmlPciInfo pci = new NvmlPciInfo();
        check(nvml.nvmlDeviceGetPciInfo_v3(handle, pci), "nvmlDeviceGetPciInfo_v3");
        return GpuIdentity.pciAddress(Integer.toUnsignedLong(pci.domain), Integer.toUnsignedLong(pci.bus),
                Integer.toUnsignedLong(pci.device), 0);
    }

    /** Pre-Volta GPUs answer NotSupported; any other failure is left for the energy reads to report. */
    private boolean probeEnergyCounter() {
        int code = nvml.nvmlDeviceGetTotalEnergyConsumption(handle, new LongByReference());
        if (code == Nvml.NVML_ERROR_NOT_SUPPORTED) {
            LOG.infof("GPU %d has no total-energy counter (pre-Volta); get_cumulative_energy answers 400 for it",
                    index);
            return false;
        }
        return true;
    }

    @Override
    public GpuIdentity identity() {
        return identity;
    }

    private void check(int code, String call) {
        check(nvml, code, "GPU " + index + ": " + call);
    }

    /** Fails on an NVML error code, with the contract's error kind and NVML's own message. */
    static void check(Nvml nvml, int code, String what) {
        if (code != Nvml.NVML_SUCCESS) {
            throw new DeviceException(kindOf(code), what + ": " + nvml.nvmlErrorString(code) + " (NVML error "
                    + code + ")");
        }
    }

    private static DeviceErrorKind kindOf(int code) {
        return switch (code) {
            case Nvml.NVML_ERROR_NO_PERMISSION -> DeviceErrorKind.NO_PERMISSION;
            case Nvml.NVML_ERROR_INVALID_ARGUMENT -> DeviceErrorKind.INVALID_ARGUMENT;
            case Nvml.NVML_ERROR_NOT_SUPPORTED -> DeviceErrorKind.NOT_SUPPORTED;
            default -> DeviceErrorKind.INTERNAL;
        };
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

    /** Drivers before MIG (R450) lack the two functions: no MIG devices there. */
    @Override
    public List<String> migDeviceUuids() {
        IntByReference slots = new IntByReference();
        int code;
        try {
            code = nvml.nvmlDeviceGetMaxMigDeviceCount(handle, slots);
        } catch (UnsatisfiedLinkError e) {
            return List.of();
        }
        if (code == Nvml.NVML_ERROR_NOT_SUPPORTED) {
            return List.of();
        }
        check(code, "nvmlDeviceGetMaxMigDeviceCount");
        List<String> uuids = new ArrayList<>();
        for (int slot = 0; slot < slots.getValue(); slot++) {
            PointerByReference mig = new PointerByReference();
            code = nvml.nvmlDeviceGetMigDeviceHandleByIndex(handle, slot, mig);
            if (code == Nvml.NVML_ERROR_NOT_FOUND) {
                continue;
            }
            check(code, "nvmlDeviceGetMigDeviceHandleByIndex");
            uuids.add(uuidOf(mig.getValue()));
        }
        return uuids;
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
