package dev.zeusd.auth;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --expires}: {@code 30m}, {@code 1h}, {@code 7d}, {@code 1d12h}, {@code 90s}, or never / 0. */
public final class Lifetimes {
    private static final Pattern WHOLE = Pattern.compile("(\\d+[smhdw])+");
    private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");

    private Lifetimes() {
    }

    /** @return null for tokens that never expire */
    public static Duration parse(String text) {
        String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (value.equals("never") || value.equals("0")) {
            return null;
        }
        if (!WHOLE.matcher(value).matches()) {
            throw new IllegalArgumentException("--expires must be a duration such as 30m, 1h, 7d or 1d12h, or never, "
                    + "got '" + text + "'");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(value);
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("--expires must be longer than zero; use never for no expiry");
        }
        return total;
    }
}
