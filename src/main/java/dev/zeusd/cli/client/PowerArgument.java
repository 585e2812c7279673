package dev.zeusd.cli.client;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/** {@code 250W}, {@code 250.5 W} or {@code 250000mW}, as milliwatts. */
final class PowerArgument implements CommandLine.ITypeConverter<Long> {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(w|mw)");

    @Override
    public Long convert(String value) {
        Matcher form = FORM.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!form.matches()) {
            throw new CommandLine.TypeConversionException("a power limit is a number with its unit, such as 250W or "
                    + "250000mW, got '" + value + "'");
        }
        BigDecimal number = new BigDecimal(form.group(1));
        BigDecimal milliwatts = form.group(2).equals("w") ? number.movePointRight(3) : number;
        if (milliwatts.stripTrailingZeros().scale() > 0) {
            throw new CommandLine.TypeConversionException("a power limit is whole milliwatts, got '" + value + "'");
        }
        return milliwatts.longValueExact();
    }
}
