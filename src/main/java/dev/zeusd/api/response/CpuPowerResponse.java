package dev.zeusd.api.response;

import java.util.Map;

/** {@code /cpu/get_power} and each {@code /cpu/stream_power} event. */
public record CpuPowerResponse(long timestampMs, Map<String, PackagePower> powerMw) {

    /** {@code dramMw} is null where the package has no DRAM domain. */
    public record PackagePower(long cpuMw, Long dramMw) {
    }
}
