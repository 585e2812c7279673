package dev.zeusd.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

import dev.zeusd.StartupException;

/**
 * Every typed setting is parsed here, once, by the same converter whether it comes from a flag (picocli, through
 * {@code cli/ConfigArgument}) or from a property or the environment (SmallRye Config, through {@code @WithConverter}
 * in {@link ZeusdConfig}). A value that is not valid is one startup sentence naming the flag; nothing downstream
 * parses the text again.
 */
public final class Converters {
    private Converters() {
    }

    /** {@code --tcp-bind-address}: {@code HOST:PORT}. */
    public static final class TcpBindAddress implements Converter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return HostPort.parse(value).orElseThrow(() -> notHostPort("--tcp-bind-address", "127.0.0.1:4938", value));
        }
    }

    /** {@code --management-bind-address}: {@code HOST:PORT}, or {@code off} (null: no management listener). */
    public static final class ManagementBindAddress implements Converter<HostPort> {
        public static final String OFF = "off";

        @Override
        public HostPort convert(String value) {
            if (OFF.equalsIgnoreCase(value)) {
                return null;
            }
            return HostPort.parse(value).orElseThrow(() -> notHostPort("--management-bind-address",
                    "127.0.0.1:9464 or off", value));
        }
    }

    private static StartupException notHostPort(String flag, String example, String value) {
        return new StartupException(flag + " must be HOST:PORT, such as " + example + ", got '" + value + "'.");
    }

    /** {@code --socket-permissions}: an octal mode. */
    public static final class SocketMode implements Converter<SocketPermissions> {
        @Override
        public SocketPermissions convert(String value) {
            return SocketPermissions.parse(value).orElseThrow(() -> new StartupException(
                    "--socket-permissions must be an octal mode such as 666, got '" + value + "'."));
        }
    }

    /** A file or directory setting ({@code --socket-path}, {@code --state-dir}, ...); empty means not set. */
    public static final class FilePath implements Converter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                return null; // as SmallRye reads an empty string: absent
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a path: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A duration setting written as {@code 5s}, {@code 500ms}, {@code 2m} or a number of seconds, between two
     * bounds; anything else is one startup sentence naming the flag.
     */
    abstract static class BoundedDuration implements Converter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m)?");
        private final String flag;
        private final Duration min;
        private final Duration max;
        private final String examples;

        BoundedDuration(String flag, Duration min, Duration max, String examples) {
            this.flag = flag;
            this.min = min;
            this.max = max;
            this.examples = examples;
        }

        @Override
        public Duration convert(String value) {
            Matcher form = FORM.matcher(value.trim());
            Duration duration = null;
            if (form.matches()) {
                long number = Long.parseLong(form.group(1));
                duration = "ms".equals(form.group(2)) ? Duration.ofMillis(number)
                        : "m".equals(form.group(2)) ? Duration.ofMinutes(number) : Duration.ofSeconds(number);
            }
            if (duration == null || duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw new StartupException(flag + " must be between " + text(min) + " and " + text(max) + ", such as "
                        + examples + ", got '" + value + "'.");
            }
            return duration;
        }

        private static String text(Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
    }

    /** {@code --device-timeout}: how long a request waits for a device call; 100 ms to 10 minutes. */
    public static final class DeviceTimeout extends BoundedDuration {
        public DeviceTimeout() {
            super("--device-timeout", Duration.ofMillis(100), Duration.ofMinutes(10), "5s or 500ms");
        }
    }

    /**
     * {@code --pod-attribution-interval}: how often the kubelet's pod resources are listed; 1 s to 10 minutes (the
     * kubelet rate-limits the API, and a list older than two intervals is dropped).
     */
    public static final class PodAttributionInterval extends BoundedDuration {
        public PodAttributionInterval() {
            super("--pod-attribution-interval", Duration.ofSeconds(1), Duration.ofMinutes(10), "10s or 1500ms");
        }
    }

    /** {@code --management-tls-reload-period}: how often the certificate files are read again; 1 s to 1 hour. */
    public static final class TlsReloadPeriod extends BoundedDuration {
        public TlsReloadPeriod() {
            super("--management-tls-reload-period", Duration.ofSeconds(1), Duration.ofHours(1), "10s or 5m");
        }
    }

    /** One item of {@code --enable} or {@code --scope}: the wire name of an API group ({@code gpu-read}). */
    public static final class ApiGroupName implements Converter<ApiGroup> {
        @Override
        public ApiGroup convert(String value) {
            return ApiGroup.fromWireName(value);
        }
    }
}
