package dev.zeusd.device.gpu.amdsmi;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * A raw mirror of the AMD SMI C functions zeusd calls (ROCm's {@code amdsmi.h}), with their C names:
 * {@code amdsmi_status_t} and the other enums as int, {@code uint64_t} as long, handles as pointers. Out-structures
 * whose layout differs between ABIs (power info, library version, ASIC info) are passed as raw memory and read by
 * {@link AmdSmiAbi}. Nothing but {@link AmdSmiLibrary} should call it.
 */
public interface AmdSmi extends Library {
    int AMDSMI_STATUS_SUCCESS = 0;
    int AMDSMI_STATUS_INVAL = 1;
    int AMDSMI_STATUS_NOT_SUPPORTED = 2;
    int AMDSMI_STATUS_NO_PERM = 10;

    long AMDSMI_INIT_AMD_GPUS = 1L << 1;

    /** {@code amdsmi_clk_type_t}: GFX is an alias of SYS. */
    int AMDSMI_CLK_TYPE_GFX = 0;
    int AMDSMI_CLK_TYPE_MEM = 4;

    /** {@code amdsmi_clk_limit_type_t}. */
    int CLK_LIMIT_MIN = 0;
    int CLK_LIMIT_MAX = 1;

    int AMDSMI_DEV_PERF_LEVEL_AUTO = 0;

    int amdsmi_init(long initFlags);

    int amdsmi_shut_down();

    int amdsmi_get_lib_version(Pointer version);

    int amdsmi_status_code_to_string(int status, PointerByReference statusString);

    int amdsmi_get_socket_handles(IntByReference socketCount, Pointer socketHandles);

    int amdsmi_get_processor_handles(Pointer socketHandle, IntByReference processorCount, Pointer processorHandles);

    int amdsmi_get_gpu_asic_info(Pointer processorHandle, Pointer info);

    /** {@code amdsmi_bdf_t}: one uint64 of bit fields. */
    int amdsmi_get_gpu_device_bdf(Pointer processorHandle, LongByReference bdf);

    int amdsmi_get_power_info(Pointer processorHandle, Pointer info);

    int amdsmi_get_energy_count(Pointer processorHandle, LongByReference energyAccumulator,
            FloatByReference counterResolution, LongByReference timestamp);

    int amdsmi_get_power_cap_info(Pointer processorHandle, int sensorInd, AmdSmiPowerCapInfo info);

    int amdsmi_set_power_cap(Pointer processorHandle, int sensorInd, long cap);

    int amdsmi_get_clock_info(Pointer processorHandle, int clkType, AmdSmiClkInfo info);

    int amdsmi_set_gpu_clk_limit(Pointer processorHandle, int clkType, int limitType, long clkValue);

    int amdsmi_set_gpu_perf_level(Pointer processorHandle, int perfLevel);
}
