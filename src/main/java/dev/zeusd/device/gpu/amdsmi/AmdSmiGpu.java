package dev.zeusd.device.gpu.amdsmi;

import java.nio.charset.StandardCharsets;
import java.util.function.ToIntFunction;

import org.jboss.logging.Logger;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.LongByReference;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.device.PowerLimitConstraints;

/**
 * One AMD GPU through AMD SMI. Power is the current socket power (MI300 and later) or else the average (Navi, MI200
 * and earlier), in watts; limits are microwatts. AMD has no persistence mode and no per-domain clock reset: those
 * answer 400, and {@link #resetLockedClocks()} hands every domain back to the driver (performance level auto).
 */
final class AmdSmiGpu implements GpuDevice {
    private static final Logger LOG = Logger.getLogger(AmdSmiGpu.class);
    /** What {@code amdsmi_asic_info_t} may take in any supported ABI (about 900 bytes on 26); market_name is first. */
    private static final int ASIC_INFO_BUFFER = 1024;
    private static final int MARKET_NAME_LENGTH = 256;
    private static final String NO_PERSISTENCE = "Invalid request: persistence mode is not supported on AMD GPUs";
    private static final String NO_DOMAIN_RESET = "Invalid request: AMD GPUs cannot reset a single clock domain; use "
            + "reset_locked_clocks to reset all domains";

    private enum PowerSource {
        CURRENT, AVERAGE, NONE
    }

    private final AmdSmiLibrary library;
    private final Pointer handle;
    private final String gpu;
    private final String name;
    private final String pciAddress;
    private final PowerSource powerSource;
    private final ClockDomainLimits gfxClocks;
    private final ClockDomainLimits memClocks;
    private volatile boolean energyCounterTrusted;

    AmdSmiGpu(AmdSmiLibrary library, int index, Pointer handle) {
        this.library = library;
        this.handle = handle;
        this.gpu = "GPU " + index;
        this.name = readName();
        this.pciAddress = readPciAddress();
        this.powerSource = choosePowerSource();
        this.gfxClocks = new ClockDomainLimits(library, handle, gpu, AmdSmi.AMDSMI_CLK_TYPE_GFX);
        this.memClocks = new ClockDomainLimits(library, handle, gpu, AmdSmi.AMDSMI_CLK_TYPE_MEM);
        LOG.infof("%s: %s at %s, power from the %s socket power", gpu, name, pciAddress,
                powerSource.name().toLowerCase());
    }

    private void check(String call, ToIntFunction<AmdSmi> function) {
        library.check(gpu + ": " + call, function);
    }

    private String readName() {
        Memory info = new Memory(ASIC_INFO_BUFFER);
        info.clear();
        check("amdsmi_get_gpu_asic_info", a -> a.amdsmi_get_gpu_asic_info(handle, info));
        byte[] bytes = info.getByteArray(0, MARKET_NAME_LENGTH);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }

    /** {@code amdsmi_bdf_t} packs function (3 bits), device (5), bus (8) and domain (48) into one uint64. */
    private String readPciAddress() {
        LongByReference bdf = new LongByReference();
        check("amdsmi_get_gpu_device_bdf", a -> a.amdsmi_get_gpu_device_bdf(handle, bdf));
        return pciAddress(bdf.getValue());
    }

    static String pciAddress(long bdf) {
        return GpuIdentity.pciAddress(bdf >>> 16, (bdf >>> 8) & 0xff, (bdf >>> 3) & 0x1f, bdf & 0x7);
    }

    /** Which field this GPU fills in is fixed by its generation: decided once. */
    private PowerSource choosePowerSource() {
        Memory info = powerInfo();
        if (!unavailable(library.abi().currentSocketPowerW(info))) {
            return PowerSource.CURRENT;
        }
        return unavailable(library.abi().averageSocketPowerW(info)) ? PowerSource.NONE : PowerSource.AVERAGE;
    }

    /** The library pre-fills missing fields with 0xFFFF (from the u16 GPU metrics); newer headers say UINT32_MAX. */
    static boolean unavailable(long watts) {
        return watts == 0xFFFFL || watts == 0xFFFF_FFFFL;
    }

    private Memory powerInfo() {
        Memory info = new Memory(library.abi().powerInfoSize());
        info.clear();
        check("amdsmi_get_power_info", a -> a.amdsmi_get_power_info(handle, info));
        return info;
    }

    void trustEnergyCounter(boolean trusted) {
        energyCounterTrusted = trusted;
    }

    @Override
    public GpuIdentity identity() {
        return new GpuIdentity(name, pciAddress, energyCounterTrusted);
    }

    @Override
    public long powerMw() {
        if (powerSource == PowerSource.NONE) {
            throw library.error(gpu + ": amdsmi_get_power_info", AmdSmi.AMDSMI_STATUS_NOT_SUPPORTED);
        }
        Memory info = powerInfo();
        long watts = powerSource == PowerSource.CURRENT ? library.abi().currentSocketPowerW(info)
                : library.abi().averageSocketPowerW(info);
        if (unavailable(watts)) {
            throw library.error(gpu + ": amdsmi_get_power_info", AmdSmi.AMDSMI_STATUS_NOT_SUPPORTED);
        }
        return watts * 1000;
    }

    @Override
    public long totalEnergyMj() {
        if (!energyCounterTrusted) {
            throw new DeviceException(DeviceErrorKind.INVALID_ARGUMENT, "Invalid request: the cumulative energy "
                    + "counter of this GPU is not available (unsupported, or it disagreed with the measured power "
                    + "when zeusd started; see ROCm/amdsmi#38); poll /gpu/get_power and integrate over time instead");
        }
        return rawEnergyMj();
    }

    /** The counter as the library reports it: counts times resolution (µJ), in mJ. */
    long rawEnergyMj() {
        LongByReference counts = new LongByReference();
        FloatByReference resolutionUj = new FloatByReference();
        LongByReference timestamp = new LongByReference();
        check("amdsmi_get_energy_count", a -> a.amdsmi_get_energy_count(handle, counts, resolutionUj, timestamp));
        double microjoules = unsignedToDouble(counts.getValue()) * resolutionUj.getValue();
        return (long) (microjoules / 1000);
    }

    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : (double) (value >>> 1) * 2;
    }

    private AmdSmiPowerCapInfo powerCapInfo() {
        AmdSmiPowerCapInfo info = new AmdSmiPowerCapInfo();
        check("amdsmi_get_power_cap_info", a -> a.amdsmi_get_power_cap_info(handle, 0, info));
        return info;
    }

    @Override
    public long powerLimitMw() {
        return powerCapInfo().power_cap / 1000;
    }

    @Override
    public PowerLimitConstraints powerLimitConstraints() {
        AmdSmiPowerCapInfo info = powerCapInfo();
        return new PowerLimitConstraints(info.min_power_cap / 1000, info.max_power_cap / 1000);
    }

    @Override
    public boolean persistenceMode() {
        throw new DeviceException(DeviceErrorKind.INVALID_ARGUMENT, NO_PERSISTENCE);
    }

    @Override
    public void setPowerLimitMw(long powerLimitMw) {
        check("amdsmi_set_power_cap", a -> a.amdsmi_set_power_cap(handle, 0, powerLimitMw * 1000));
    }

    @Override
    public void setPersistenceMode(boolean enabled) {
        throw new DeviceException(DeviceErrorKind.INVALID_ARGUMENT, NO_PERSISTENCE);
    }

    @Override
    public void setGpuLockedClocks(long minClockMhz, long maxClockMhz) {
        gfxClocks.set(minClockMhz, maxClockMhz);
    }

    @Override
    public void resetGpuLockedClocks() {
        throw new DeviceException(DeviceErrorKind.INVALID_ARGUMENT, NO_DOMAIN_RESET);
    }

    @Override
    public void setMemLockedClocks(long minClockMhz, long maxClockMhz) {
        memClocks.set(minClockMhz, maxClockMhz);
    }

    @Override
    public void resetMemLockedClocks() {
        throw new DeviceException(DeviceErrorKind.INVALID_ARGUMENT, NO_DOMAIN_RESET);
    }

    /** AMD has one switch for all domains: performance level auto lets the driver restore its default ranges. */
    @Override
    public void resetLockedClocks() {
        check("amdsmi_set_gpu_perf_level",
                a -> a.amdsmi_set_gpu_perf_level(handle, AmdSmi.AMDSMI_DEV_PERF_LEVEL_AUTO));
        gfxClocks.forget();
        memClocks.forget();
    }
}
