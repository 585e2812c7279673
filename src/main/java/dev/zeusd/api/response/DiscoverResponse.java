package dev.zeusd.api.response;

import java.util.List;

/**
 * {@code GET /discover} for both client generations: the current {@code gpus}/{@code cpus} lists beside the older
 * {@code gpu_ids}, {@code cpu_ids} and {@code dram_available} ({@code dramAvailable.get(i)} belongs to
 * {@code cpuIds.get(i)}).
 */
public record DiscoverResponse(List<Gpu> gpus, List<Cpu> cpus, List<Integer> gpuIds, List<Integer> cpuIds,
        List<Boolean> dramAvailable, List<String> enabledApiGroups, boolean authRequired) {

    public record Gpu(int id, String name, String pciAddress, boolean cumulativeEnergyAvailable) {
    }

    public record Cpu(int id, boolean dramAvailable) {
    }
}
