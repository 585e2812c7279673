package dev.zeusd.api.response;

/** One package in {@code /cpu/get_cumulative_energy}; a field not asked for, or DRAM where none exists, is null. */
public record CpuEnergyResponse(Long cpuEnergyUj, Long dramEnergyUj) {
}
