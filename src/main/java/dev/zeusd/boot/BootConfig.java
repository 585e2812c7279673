package dev.zeusd.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;

import dev.zeusd.config.ZeusdConfig;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Reads {@link ZeusdConfig} before Quarkus boots, from the same sources Quarkus will use (system properties, which
 * carry the flags; environment; application.properties), so the CLI can check settings and choose the listener.
 */
public final class BootConfig {
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
        return builder.build();
    }
}
