package dev.zeusd.api;

/** Parses query parameter values ourselves, so every bad value gets a 400 that names the parameter. */
public final class QueryParams {
    private static final long U32_MAX = 0xFFFF_FFFFL;

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
}
