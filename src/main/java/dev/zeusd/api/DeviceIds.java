package dev.zeusd.api;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Parses {@code gpu_ids} / {@code cpu_ids}: comma-separated non-negative integers, whitespace around items allowed,
 * duplicates collapsed. Absent means all devices where the parameter is optional.
 */
public final class DeviceIds {
    private DeviceIds() {
    }

    public static SortedSet<Integer> optional(String param, String raw, String deviceKind, SortedSet<Integer> known) {
        return raw == null ? known : parse(param, raw, deviceKind, known);
    }

    public static SortedSet<Integer> required(String param, String raw, String deviceKind, SortedSet<Integer> known) {
        return parse(param, QueryParams.require(param, raw), deviceKind, known);
    }

    static SortedSet<Integer> parse(String param, String raw, String deviceKind, SortedSet<Integer> known) {
        if (raw.isBlank()) {
            throw ApiException.badRequest("query parameter '" + param + "' must list at least one id");
        }
        SortedSet<Integer> ids = new TreeSet<>();
        for (String item : raw.split(",", -1)) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                throw ApiException.badRequest("query parameter '" + param + "' has an empty item in '" + raw + "'");
            }
            int id = parseId(param, trimmed);
            if (!known.contains(id)) {
                throw ApiException.badRequest(deviceKind + " " + id + " does not exist (available: "
                        + (known.isEmpty() ? "none" : known.stream().map(String::valueOf)
                                .collect(Collectors.joining(", ")))
                        + ")");
            }
            ids.add(id);
        }
        return Collections.unmodifiableSortedSet(ids);
    }

    private static int parseId(String param, String item) {
        boolean digitsOnly = !item.isEmpty() && item.chars().allMatch(c -> c >= '0' && c <= '9');
        if (digitsOnly && item.length() <= 9) {
            return Integer.parseInt(item);
        }
        throw ApiException.badRequest("query parameter '" + param + "' has an invalid id '" + item
                + "': ids are non-negative integers");
    }
}
