package dev.zeusd.device.gpu.nvml;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * A raw mirror of the NVML C functions zeusd calls, with their C names: {@code nvmlReturn_t} as int,
 * {@code nvmlDevice_t} as a pointer, unsigned ints as int (values stay below 2^31 here). Nothing but
 * {@link NvmlGpu} and {@link NvmlGpuBackend} should call it; they check every return code.
 */
public interface Nvml extends Library {
    int NVML_SUCCESS = 0;
    int NVML_ERROR_INVALID_ARGUMENT = 2;
    int NVML_ERROR_NOT_SUPPORTED = 3;
    int NVML_ERROR_NO_PERMISSION = 4;
    int NVML_ERROR_NOT_FOUND = 6;
    /** NVML_DEVICE_NAME_V2_BUFFER_SIZE. */
    int NVML_DEVICE_NAME_BUFFER_SIZE = 96;
    /** NVML_DEVICE_UUID_V2_BUFFER_SIZE. */
    int NVML_DEVICE_UUID_BUFFER_SIZE = 96;
    int NVML_FEATURE_DISABLED = 0;
    int NVML_FEATURE_ENABLED = 1;

    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetPciInfo_v3(Pointer device, NvmlPciInfo pci);

    /** 0 (or NotSupported) where MIG is not enabled. */
    int nvmlDeviceGetMaxMigDeviceCount(Pointer device, IntByReference count);

    /** NotFound for a slot without a MIG device. */
    int nvmlDeviceGetMigDeviceHandleByIndex(Pointer device, int index, PointerByReference migDevice);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference powerMw);

    int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energyMj);

    int nvmlDeviceGetPowerManagementLimit(Pointer device, IntByReference limitMw);

    int nvmlDeviceGetPowerManagementLimitConstraints(Pointer device, IntByReference minLimitMw,
            IntByReference maxLimitMw);

    int nvmlDeviceGetPersistenceMode(Pointer device, IntByReference mode);

    int nvmlDeviceSetPowerManagementLimit(Pointer device, int limitMw);

    int nvmlDeviceSetPersistenceMode(Pointer device, int mode);

    int nvmlDeviceSetGpuLockedClocks(Pointer device, int minGpuClockMhz, int maxGpuClockMhz);

    int nvmlDeviceResetGpuLockedClocks(Pointer device);

    int nvmlDeviceSetMemoryLockedClocks(Pointer device, int minMemClockMhz, int maxMemClockMhz);

    int nvmlDeviceResetMemoryLockedClocks(Pointer device);
}
