package dev.zeusd.device.cpu;

/** Average power of a package and its DRAM between two samples; {@code dramMw} null where there is no DRAM. */
public record PowerMw(long cpuMw, Long dramMw) {

    /** Power from energy deltas divided by the measured time between the two samples, never a nominal period. */
    public static PowerMw between(EnergySample earlier, EnergySample later) {
        double seconds = (later.nanos() - earlier.nanos()) / 1e9;
        if (seconds <= 0) {
            throw new IllegalArgumentException("samples must be in time order");
        }
        long cpuMw = toMw(later.packageUj() - earlier.packageUj(), seconds);
        Long dramMw = later.dramUj() == null || earlier.dramUj() == null ? null
                : toMw(later.dramUj() - earlier.dramUj(), seconds);
        return new PowerMw(cpuMw, dramMw);
    }

    private static long toMw(long deltaUj, double seconds) {
        return Math.round(Math.max(0, deltaUj) / 1000.0 / seconds);
    }
}
