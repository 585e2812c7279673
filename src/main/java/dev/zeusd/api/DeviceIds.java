package dev.zeusd.api;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Parses {@code gpu_ids} / {@code cpu_ids} as upstream zeusd does, with its messages: comma-separated non-negative
 * integers, whitespace around items allowed, sorted and de-duplicated. Absent means all devices where the parameter
 * is optional. An unknown id is worded differently by reads, writes and streams, as upstream words them.
 */
public final class DeviceIds {
    /** Longer than this cannot be an id of ours (nor fit upstream's usize): reported as not an integer. */
    private static final int MAX_DIGITS = 18;

    private DeviceIds() {
    }

    /** A read: absent means all; an unknown id is {@code GPU 5 not found}. */
    public static SortedSet<Integer> forRead(String param, String raw, SortedSet<Integer> known) {
        if (raw == null) {
            return known;
        }
        SortedSet<Long> ids = parse(param, raw);
        for (long id : ids) {
            if (!contains(known, id)) {
                throw ApiException.badRequest(kind(param) + " " + id + " not found");
            }
        }
        return toInts(ids);
    }

    /** A write: required; an unknown id is {@code GPU index 5 does not exist.} */
    public static SortedSet<Integer> forWrite(String param, String raw, SortedSet<Integer> known) {
        SortedSet<Long> ids = parse(param, QueryParams.require(param, raw));
        for (long id : ids) {
            if (!contains(known, id)) {
                throw ApiException.badRequest(kind(param) + " index " + id + " does not exist.");
            }
        }
        return toInts(ids);
    }

    /** A stream: absent means all; unknown ids are listed together with the available ones. */
    public static SortedSet<Integer> forStream(String param, String raw, SortedSet<Integer> known) {
        if (raw == null) {
            return known;
        }
        SortedSet<Long> ids = parse(param, raw);
        List<Long> unknown = ids.stream().filter(id -> !contains(known, id)).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("Unknown " + kind(param) + " indices: " + unknown + ". Available: "
                    + List.copyOf(known));
        }
        return toInts(ids);
    }

    /** The message for a list with no ids at all, e.g. {@code gpu_ids=}. */
    public static String emptyListMessage(String param) {
        return param + " must contain at least one " + kind(param) + " index";
    }

    static SortedSet<Long> parse(String param, String raw) {
        if (raw.isBlank()) {
            throw ApiException.badRequest(emptyListMessage(param));
        }
        SortedSet<Long> ids = new TreeSet<>();
        for (String item : raw.split(",", -1)) {
            String trimmed = item.trim();
            if (trimmed.isEmpty()) {
                throw ApiException.badRequest(param + " contains an empty " + kind(param) + " index");
            }
            ids.add(parseId(param, trimmed));
        }
        return ids;
    }

    /** Digits with an optional leading {@code +}, as Rust parses an unsigned integer. */
    private static long parseId(String param, String item) {
        String digits = item.startsWith("+") ? item.substring(1) : item;
        if (!digits.isEmpty() && digits.length() <= MAX_DIGITS && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.parseLong(digits);
        }
        throw ApiException.badRequest("Invalid " + kind(param) + " index: " + item);
    }

    /** {@code gpu_ids} → {@code GPU}. */
    private static String kind(String param) {
        return param.substring(0, param.indexOf('_')).toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean contains(SortedSet<Integer> known, long id) {
        return id <= Integer.MAX_VALUE && known.contains((int) id);
    }

    private static SortedSet<Integer> toInts(SortedSet<Long> ids) {
        SortedSet<Integer> ints = new TreeSet<>();
        ids.forEach(id -> ints.add(id.intValue()));
        return Collections.unmodifiableSortedSet(ints);
    }

    /** Whether {@code param} is a device id list. */
    static boolean isIdList(String param) {
        return param.equals("gpu_ids") || param.equals("cpu_ids");
    }
}
