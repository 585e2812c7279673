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
     * {@code --device-timeout}: how long a request waits for a device call, as {@code 5s}, {@code 500ms} or a number
     * of seconds; at least 100 ms, at most 10 minutes.
     */
    public static final class DeviceTimeout implements Converter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s)?");

        @Override
        public Duration convert(String value) {
            Matcher form = FORM.matcher(value.trim());
            Duration timeout = null;
            if (form.matches()) {
                long number = Long.parseLong(form.group(1));
                timeout = "ms".equals(form.group(2)) ? Duration.ofMillis(number) : Duration.ofSeconds(number);
            }
            if (timeout == null || timeout.toMillis() < 100 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new StartupException("--device-timeout must be between 100ms and 600s, such as 5s or 500ms, got '"
                        + value + "'.");
            }
            return timeout;
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
