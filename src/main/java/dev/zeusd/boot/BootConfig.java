package dev.zeusd.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeusd.StartupException;
import dev.zeusd.config.ZeusdConfig;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Reads {@link ZeusdConfig} before Quarkus boots, from the same sources Quarkus will use (system properties, which
 * carry the flags; environment; application.properties), so the CLI can check settings and choose the listener.
 * A value that cannot be converted is one startup sentence, like every other startup problem.
 */
public final class BootConfig {
    /** SmallRye's report of a converter that refused a value (SRCFG00039). */
    private static final Pattern NOT_CONVERTED = Pattern.compile(
            "The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted (.*)",
            Pattern.DOTALL);

    private BootConfig() {
    }

    public static SmallRyeConfig load() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDefaultSources()
                .withProfile(LaunchMode.current().getDefaultProfile())
                .withMapping(ZeusdConfig.class);
        URL properties = BootConfig.class.getClassLoader().getResource("application.properties");
        if (properties != null) {
            try {
                builder.withSources(new PropertiesConfigSource(properties, 250));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return builder.build();
        } catch (ConfigValidationException e) {
            throw sentence(e.getProblem(0).getMessage());
        }
    }

    /**
     * The first problem SmallRye found, as one sentence: a converter of ours already wrote it (config/Converters);
     * any other (an unknown enum value, a number that is not one) names the property, the value and the reason.
     */
    static StartupException sentence(String problem) {
        String ours = StartupException.class.getName() + ": ";
        if (problem.startsWith(ours)) {
            return new StartupException(problem.substring(ours.length()));
        }
        String plain = problem.replaceFirst("^[\\w.$]+Exception: ", "").replaceAll("SRCFG\\d+: ", "").trim();
        Matcher notConverted = NOT_CONVERTED.matcher(plain);
        if (notConverted.find()) {
            String property = notConverted.group(1);
            String flag = "--" + property.replaceFirst("^zeusd\\.", "");
            return new StartupException(flag + " (" + property + ") cannot be '" + notConverted.group(2) + "': "
                    + notConverted.group(3).replaceAll("\\.+$", "") + ".");
        }
        return new StartupException("Invalid configuration: " + plain.replaceAll("\\.+$", "") + ".");
    }
}
