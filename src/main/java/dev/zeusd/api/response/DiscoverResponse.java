package dev.zeusd.api.response;

import java.util.List;

/** {@code GET /discover}; {@code dramAvailable.get(i)} belongs to {@code cpuIds.get(i)}. */
public record DiscoverResponse(List<Integer> gpuIds, List<Integer> cpuIds, List<Boolean> dramAvailable,
        List<String> enabledApiGroups, boolean authRequired) {
}
