package dev.zeusd.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.zeusd.boot.BootConfig;
import dev.zeusd.boot.ListenerProperties;
import dev.zeusd.boot.StartupChecks;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.GpuBackendChoice;
import dev.zeusd.config.HostPort;
import dev.zeusd.config.LogFormat;
import dev.zeusd.config.SocketPermissions;
import dev.zeusd.config.StreamFormat;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code zeusd serve}. Flags become {@code zeusd.*} system properties, so they win over the environment and
 * application.properties; then the settings are checked and the listener chosen before Quarkus boots. A typed flag is
 * parsed by the converter its property uses ({@link ConfigArgument}), so both accept and refuse the same values.
 */
@Command(name = "serve", description = "Start the Zeus daemon", mixinStandardHelpOptions = true,
        versionProvider = ZeusdCommandLine.Version.class, showDefaultValues = true,
        defaultValueProvider = ConfigDefaults.class, sortOptions = false,
        customSynopsis = "zeusd serve [OPTIONS]", synopsisHeading = "Usage: ")
public class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--mode", paramLabel = "<MODE>",
            description = "Operating mode: uds (Unix domain socket) or tcp (TCP)")
    TransportMode mode;

    @Option(names = "--socket-path", paramLabel = "<SOCKET_PATH>", converter = ConfigArgument.FilePath.class,
            description = "[UDS mode] Path to the socket Zeusd will listen on")
    Path socketPath;

    @Option(names = "--socket-permissions", paramLabel = "<SOCKET_PERMISSIONS>",
            converter = ConfigArgument.SocketMode.class,
            description = "[UDS mode] Permissions for the socket file to be created (octal)")
    SocketPermissions socketPermissions;

    @Option(names = "--socket-uid", paramLabel = "<SOCKET_UID>", description = "[UDS mode] UID to chown the socket file to")
    Integer socketUid;

    @Option(names = "--socket-gid", paramLabel = "<SOCKET_GID>", description = "[UDS mode] GID to chown the socket file to")
    Integer socketGid;

    @Option(names = "--tcp-bind-address", paramLabel = "<TCP_BIND_ADDRESS>",
            converter = ConfigArgument.TcpBindAddress.class, description = "[TCP mode] Address to bind to")
    HostPort tcpBindAddress;

    @Option(names = "--management-bind-address", paramLabel = "<HOST:PORT>",
            converter = ConfigArgument.ManagementBindAddress.class,
            description = "Health probes (/q/health) and Prometheus metrics (/q/metrics) listen here, also in UDS mode; "
                    + "'off' for no management listener")
    HostPort managementBindAddress;

    @Option(names = "--management-tls-cert", paramLabel = "<PEM>", converter = ConfigArgument.FilePath.class,
            description = "Certificate (chain) for HTTPS on the management listener, with --management-tls-key; the "
                    + "files are read again every --management-tls-reload-period. The API stays HTTP")
    Path managementTlsCert;

    @Option(names = "--management-tls-key", paramLabel = "<PEM>", converter = ConfigArgument.FilePath.class,
            description = "Private key of --management-tls-cert (PKCS#8, PKCS#1 or SEC1, unencrypted)")
    Path managementTlsKey;

    @Option(names = "--management-tls-client-ca", paramLabel = "<PEM>", converter = ConfigArgument.FilePath.class,
            description = "CA certificates: /q/metrics then needs a client certificate signed by one (probes do not)")
    Path managementTlsClientCa;

    @Option(names = "--management-tls-reload-period", paramLabel = "<DURATION>",
            converter = ConfigArgument.TlsReloadPeriod.class,
            description = "How often the management TLS files are read again (a renewed certificate needs no restart)")
    Duration managementTlsReloadPeriod;

    @Option(names = "--log-format", paramLabel = "<FORMAT>",
            description = "Log lines on stderr as text or json (one object per line)")
    LogFormat logFormat;

    @Option(names = "--num-workers", paramLabel = "<NUM_WORKERS>",
            description = "Number of worker threads to use. Default is the number of logical CPUs")
    Integer numWorkers;

    @Option(names = "--gpu-power-poll-hz", paramLabel = "<GPU_POWER_POLL_HZ>", description = "GPU power polling frequency in Hz for the streaming endpoint")
    Integer gpuPowerPollHz;

    @Option(names = "--cpu-power-poll-hz", paramLabel = "<CPU_POWER_POLL_HZ>",
            description = "CPU RAPL power polling frequency in Hz for the streaming endpoint")
    Integer cpuPowerPollHz;

    @Option(names = "--stream-format", paramLabel = "<FORMAT>",
            description = { "Stream events: device (one event per device sample; zeus >= 0.16) or snapshot "
                    + "(the whole snapshot per event; zeus <= 0.15)" })
    StreamFormat streamFormat;

    @Option(names = "--device-timeout", paramLabel = "<DURATION>", converter = ConfigArgument.DeviceTimeout.class,
            description = "How long a request waits for a GPU or CPU call (e.g. 5s, 500ms) before it answers 503; a "
                    + "device stuck longer than this fails further calls at once until it answers again")
    Duration deviceTimeout;

    @Option(names = "--enable", split = ",", converter = ConfigArgument.ApiGroupName.class, paramLabel = "<ENABLE>",
            description = { "API groups to enable, comma-separated. Groups that require root will cause the daemon "
                    + "to exit at startup if it is not running as root. Possible values:",
                    ConfigArgument.GroupHelp.GPU_CONTROL
                            + ", unless --gpu-command-overrides names at least one operation",
                    ConfigArgument.GroupHelp.GPU_READ, ConfigArgument.GroupHelp.CPU_READ })
    List<ApiGroup> enable;

    @Option(names = "--signing-key-path", paramLabel = "<SIGNING_KEY_PATH>", converter = ConfigArgument.FilePath.class,
            description = "Path to the HMAC-SHA256 signing key file for JWT authentication. If not provided, "
                    + "authentication is disabled")
    Path signingKeyPath;

    @Option(names = "--simulate", description = "Serve simulated devices (4 GPUs, 2 CPU packages); needs no root")
    Boolean simulate;

    @Option(names = "--gpu-backend", paramLabel = "<GPU_BACKEND>",
            description = "GPU library: auto (probe NVML and AMD SMI, use the one that finds GPUs), nvml or amdsmi "
                    + "(AMD SMI from $AMDSMI_LIB_DIR, else $ROCM_PATH/lib, else /opt/rocm*/lib and the loader path)")
    GpuBackendChoice gpuBackend;

    @Option(names = "--nvml-library", paramLabel = "<PATH>", description = "Load NVML from this file instead of libnvidia-ml.so.1")
    String nvmlLibrary;

    @Option(names = "--rapl-root", paramLabel = "<DIR>", converter = ConfigArgument.FilePath.class,
            description = "Read RAPL from this directory instead of /zeus_sys/class/powercap (if it exists, the "
                    + "container convention) or else /sys/class/powercap")
    Path raplRoot;

    @Option(names = "--gpu-command-overrides", paramLabel = "<PATH>", converter = ConfigArgument.FilePath.class,
            description = "TOML file that maps GPU control operations to commands run instead of the driver call "
                    + "(e.g. sudo rules around nvidia-smi); with at least one, gpu-control needs no root")
    Path gpuCommandOverrides;

    @Option(names = "--kubelet-pod-resources-socket", paramLabel = "<PATH>", converter = ConfigArgument.FilePath.class,
            description = "The kubelet's pod-resources socket (/var/lib/kubelet/pod-resources/kubelet.sock): attribute "
                    + "GPUs to the pods and containers they are assigned to (zeusd_gpu_pod_info, /gpu/get_pods)")
    Path kubeletPodResourcesSocket;

    @Option(names = "--pod-attribution-interval", paramLabel = "<DURATION>",
            converter = ConfigArgument.PodAttributionInterval.class,
            description = "How often the kubelet's pod resources are listed (e.g. 10s); never on a request or scrape")
    Duration podAttributionInterval;

    @Option(names = "--allow-unprivileged",
            description = "Skip the root check (fake devices, or permissions granted another way)")
    Boolean allowUnprivileged;

    @Option(names = "--allow-unauthenticated-control",
            description = "Serve gpu-control on a non-loopback TCP address without --signing-key-path (refused "
                    + "otherwise: anyone who reaches the port could change power limits and clocks)")
    Boolean allowUnauthenticatedControl;

    @Option(names = "--state-dir", paramLabel = "<DIR>", converter = ConfigArgument.FilePath.class,
            description = "Directory of the restore journal (the original values of the settings zeusd changed)")
    Path stateDir;

    @Option(names = "--restore-on-shutdown",
            description = "On a clean stop, put every GPU setting zeusd changed back to its original value")
    Boolean restoreOnShutdown;

    @Option(names = "--restore-on-client-exit",
            description = "[UDS mode] When the process that last changed a GPU setting exits, put the setting back")
    Boolean restoreOnClientExit;

    @Override
    public Integer call() {
        exportFlagsAsConfig(spec.commandLine().getParseResult());
        ZeusdConfig config = BootConfig.load().getConfigMapping(ZeusdConfig.class);
        StartupChecks.verify(config);
        ListenerProperties.quarkusProperties(config).forEach(System::setProperty);
        System.setProperty("quarkus.log.console.json.enabled", Boolean.toString(config.logFormat() == LogFormat.JSON));
        return QuarkusLauncher.serve();
    }

    private static void exportFlagsAsConfig(CommandLine.ParseResult parseResult) {
        for (CommandLine.Model.OptionSpec option : parseResult.matchedOptions()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            List<String> values = parseResult.matchedOption(option.longestName()).stringValues();
            String value = option.arity().max() == 0 && values.isEmpty() ? "true" : String.join(",", values);
            System.setProperty(ConfigDefaults.propertyName(option), value);
        }
    }
}
