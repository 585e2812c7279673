package dev.zeusd.cli;

import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.Converters;
import dev.zeusd.config.HostPort;
import dev.zeusd.config.SocketPermissions;
import picocli.CommandLine;

/**
 * A flag parsed by the same converter as its property (config/Converters), so a flag and its property or
 * environment variable accept the same values. A value a converter rejects with a plain reason is a usage error
 * (exit 2); one it rejects with a startup sentence is reported as that sentence (exit 1, see {@link ZeusdCommandLine}).
 */
abstract class ConfigArgument<T> implements CommandLine.ITypeConverter<T> {
    private final Converter<T> converter;

    ConfigArgument(Converter<T> converter) {
        this.converter = converter;
    }

    @Override
    public T convert(String value) {
        try {
            return converter.convert(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The help lines of {@code --enable} and {@code --scope}, built from the one description of each group. */
    static final class GroupHelp {
        static final String GPU_CONTROL = "  " + ApiGroup.Names.GPU_CONTROL + ": " + ApiGroup.Descriptions.GPU_CONTROL;
        static final String GPU_READ = "  " + ApiGroup.Names.GPU_READ + ":    " + ApiGroup.Descriptions.GPU_READ;
        static final String CPU_READ = "  " + ApiGroup.Names.CPU_READ + ":    " + ApiGroup.Descriptions.CPU_READ;

        private GroupHelp() {
        }
    }

    static final class ApiGroupName extends ConfigArgument<ApiGroup> {
        ApiGroupName() {
            super(new Converters.ApiGroupName());
        }
    }

    static final class FilePath extends ConfigArgument<Path> {
        FilePath() {
            super(new Converters.FilePath());
        }
    }

    static final class TcpBindAddress extends ConfigArgument<HostPort> {
        TcpBindAddress() {
            super(new Converters.TcpBindAddress());
        }
    }

    static final class ManagementBindAddress extends ConfigArgument<HostPort> {
        ManagementBindAddress() {
            super(new Converters.ManagementBindAddress());
        }
    }

    static final class DeviceTimeout extends ConfigArgument<Duration> {
        DeviceTimeout() {
            super(new Converters.DeviceTimeout());
        }
    }

    static final class PodAttributionInterval extends ConfigArgument<Duration> {
        PodAttributionInterval() {
            super(new Converters.PodAttributionInterval());
        }
    }

    static final class TlsReloadPeriod extends ConfigArgument<Duration> {
        TlsReloadPeriod() {
            super(new Converters.TlsReloadPeriod());
        }
    }

    static final class SocketMode extends ConfigArgument<SocketPermissions> {
        SocketMode() {
            super(new Converters.SocketMode());
        }
    }
}
