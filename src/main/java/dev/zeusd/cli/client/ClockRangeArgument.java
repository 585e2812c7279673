package dev.zeusd.cli.client;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/** {@code MIN:MAX} in MHz, such as {@code 900:1400}. */
final class ClockRangeArgument implements CommandLine.ITypeConverter<ClockRangeArgument.Range> {
    record Range(long min, long max) {
    }

    private static final Pattern FORM = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

    @Override
    public Range convert(String value) {
        Matcher form = FORM.matcher(value.trim());
        if (!form.matches()) {
            throw new CommandLine.TypeConversionException("a clock range is MIN:MAX in MHz, such as 900:1400, got '"
                    + value + "'");
        }
        return new Range(Long.parseLong(form.group(1)), Long.parseLong(form.group(2)));
    }
}
