package dev.zeusd.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version the build wrote into zeusd-version.properties, for {@code --version} and {@code zeusd_build_info}. */
public final class BuildVersion {
    private BuildVersion() {
    }

    public static String get() {
        Properties properties = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("/zeusd-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }
}
