package dev.zeusd.device.gpu.amdsmi;

import org.jboss.logging.Logger;

import com.sun.jna.Pointer;

import dev.zeusd.device.DeviceException;

/**
 * The min/max limits of one clock domain of one GPU. AMD SMI writes them one at a time and refuses a write that
 * would leave min above max, so the order depends on the range the GPU holds now: remembered from our last write,
 * or queried. If a write fails (the range was likely changed outside zeusd) the range is queried and the write
 * retried once; if that fails too, the range we started from is put back and the error reported.
 */
final class ClockDomainLimits {
    private static final Logger LOG = Logger.getLogger(ClockDomainLimits.class);

    private final AmdSmiLibrary library;
    private final Pointer handle;
    private final String gpu;
    private final int clockType;
    private ClockRange known;

    ClockDomainLimits(AmdSmiLibrary library, Pointer handle, String gpu, int clockType) {
        this.library = library;
        this.handle = handle;
        this.gpu = gpu;
        this.clockType = clockType;
        try {
            known = query();
        } catch (DeviceException e) {
            LOG.debugf("%s: clock range not known yet: %s", gpu, e.getMessage());
        }
    }

    void set(long minMhz, long maxMhz) {
        ClockRange start = known != null ? known : query();
        try {
            write(start, minMhz, maxMhz);
            return;
        } catch (DeviceException e) {
            LOG.warnf("%s: setting clock type %d to %d..%d MHz failed (%s); the range was likely changed outside "
                    + "zeusd, querying it and retrying", gpu, clockType, minMhz, maxMhz, e.getMessage());
            known = null;
        }
        ClockRange now = query();
        try {
            write(now, minMhz, maxMhz);
        } catch (DeviceException e) {
            known = null;
            restore(start, now);
            throw e;
        }
    }

    /** After a performance-level reset the driver picks the range again. */
    void forget() {
        known = null;
    }

    private void restore(ClockRange start, ClockRange now) {
        try {
            write(now, start.minMhz(), start.maxMhz());
        } catch (DeviceException e) {
            LOG.warnf("%s: could not restore clock type %d to %d..%d MHz: %s", gpu, clockType, start.minMhz(),
                    start.maxMhz(), e.getMessage());
        }
    }

    private void write(ClockRange from, long minMhz, long maxMhz) {
        known = null; // a half-done write leaves the range unknown
        if (from.orderTowards(minMhz) == ClockRange.WriteOrder.MAX_FIRST) {
            writeLimit(AmdSmi.CLK_LIMIT_MAX, maxMhz);
            writeLimit(AmdSmi.CLK_LIMIT_MIN, minMhz);
        } else {
            writeLimit(AmdSmi.CLK_LIMIT_MIN, minMhz);
            writeLimit(AmdSmi.CLK_LIMIT_MAX, maxMhz);
        }
        known = new ClockRange(minMhz, maxMhz);
    }

    private void writeLimit(int limitType, long mhz) {
        library.check(gpu + ": amdsmi_set_gpu_clk_limit",
                a -> a.amdsmi_set_gpu_clk_limit(handle, clockType, limitType, mhz));
    }

    private ClockRange query() {
        AmdSmiClkInfo info = new AmdSmiClkInfo();
        library.check(gpu + ": amdsmi_get_clock_info", a -> a.amdsmi_get_clock_info(handle, clockType, info));
        return new ClockRange(Integer.toUnsignedLong(info.min_clk), Integer.toUnsignedLong(info.max_clk));
    }
}
