package dev.zeusd.api;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Parses query parameter values ourselves, so every bad value gets a 400 that names the parameter. Device id lists
 * ({@code gpu_ids} / {@code cpu_ids}) are parsed as upstream zeusd does, with its messages: comma-separated
 * non-negative integers, whitespace around items allowed, sorted and de-duplicated; absent means all devices where the
 * parameter is optional, and an unknown id is worded differently by reads, writes and streams, as upstream words them.
 */
public final class QueryParams {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    /** Longer than this cannot be a device id of ours (nor fit upstream's usize): reported as not an integer. */
    private static final int MAX_DIGITS = 18;

    private QueryParams() {
    }

    public static String require(String name, String raw) {
        if (raw == null) {
            throw ApiException.badRequest("missing required query parameter '" + name + "'");
        }
        return raw;
    }

    /** Exactly {@code true} or {@code false}, as the original zeusd accepts. */
    public static boolean requireBool(String name, String raw) {
        return switch (require(name, raw)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(
                    "query parameter '" + name + "' must be true or false, got '" + raw + "'");
        };
    }

    /** A non-negative integer that fits NVML's unsigned 32-bit arguments. */
    public static long requireUnsigned32(String name, String raw) {
        String value = require(name, raw).trim();
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0 && parsed <= U32_MAX && !value.startsWith("+")) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("query parameter '" + name + "' must be an integer between 0 and " + U32_MAX
                + ", got '" + raw + "'");
    }

    /** A device id list to read: absent means all; an unknown id is {@code GPU 5 not found}. */
    public static SortedSet<Integer> deviceIdsToRead(String param, String raw, SortedSet<Integer> known) {
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

    /** A device id list to write: required; an unknown id is {@code GPU index 5 does not exist.} */
    public static SortedSet<Integer> deviceIdsToWrite(String param, String raw, SortedSet<Integer> known) {
        SortedSet<Long> ids = parse(param, require(param, raw));
        for (long id : ids) {
            if (!contains(known, id)) {
                throw ApiException.badRequest(kind(param) + " index " + id + " does not exist.");
            }
        }
        return toInts(ids);
    }

    /** A device id list to stream: absent means all; unknown ids are listed together with the available ones. */
    public static SortedSet<Integer> deviceIdsToStream(String param, String raw, SortedSet<Integer> known) {
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

    private static SortedSet<Long> parse(String param, String raw) {
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
        return param.substring(0, param.indexOf('_')).toUpperCase(Locale.ROOT);
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
