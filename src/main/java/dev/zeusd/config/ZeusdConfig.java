package dev.zeusd.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Every setting of the daemon. One rule links the three ways to set one: the flag {@code --socket-path}, the property
 * {@code zeusd.socket-path} and the environment variable {@code ZEUSD_SOCKET_PATH}; a flag wins over the others.
 * The names stay flat (no nested groups) so that this rule holds for every option.
 */
@ConfigMapping(prefix = "zeusd")
public interface ZeusdConfig {
    @WithDefault("uds")
    TransportMode mode();

    @WithDefault("/run/zeusd/zeusd.sock")
    @WithConverter(Converters.FilePath.class)
    Path socketPath();

    /** Octal, applied to the socket file after bind. */
    @WithDefault("666")
    @WithConverter(Converters.SocketMode.class)
    SocketPermissions socketPermissions();

    OptionalInt socketUid();

    OptionalInt socketGid();

    @WithDefault("127.0.0.1:4938")
    @WithConverter(Converters.TcpBindAddress.class)
    HostPort tcpBindAddress();

    /** Health probes and Prometheus metrics; {@code HOST:PORT}, or {@code off} (empty) for no management listener. */
    @WithDefault("127.0.0.1:9464")
    Optional<@WithConverter(Converters.ManagementBindAddress.class) HostPort> managementBindAddress();

    /**
     * PEM certificate (chain) of the management listener: set with {@link #managementTlsKey()}, it serves HTTPS
     * only, and the files are read again every {@link #managementTlsReloadPeriod()} (rotation without a restart).
     */
    Optional<@WithConverter(Converters.FilePath.class) Path> managementTlsCert();

    /** PEM private key of {@link #managementTlsCert()}. */
    Optional<@WithConverter(Converters.FilePath.class) Path> managementTlsKey();

    /** PEM CA certificates: set, {@code /q/metrics} needs a client certificate signed by one of them. */
    Optional<@WithConverter(Converters.FilePath.class) Path> managementTlsClientCa();

    /** How often the management TLS files are read again. */
    @WithDefault("10s")
    @WithConverter(Converters.TlsReloadPeriod.class)
    Duration managementTlsReloadPeriod();

    /** Console log lines as text or as one JSON object per line (for Kubernetes log collectors). */
    @WithDefault("text")
    LogFormat logFormat();

    /** Event-loop threads; absent means the number of logical CPUs. */
    OptionalInt numWorkers();

    @WithDefault("20")
    int gpuPowerPollHz();

    @WithDefault("10")
    int cpuPowerPollHz();

    @WithDefault("gpu-control,gpu-read,cpu-read")
    List<@WithConverter(Converters.ApiGroupName.class) ApiGroup> enable();

    Optional<@WithConverter(Converters.FilePath.class) Path> signingKeyPath();

    /** Serve simulated devices instead of NVML and RAPL. */
    @WithDefault("false")
    boolean simulate();

    /** auto, nvml or amdsmi; ignored with {@link #simulate()}. */
    @WithDefault("auto")
    GpuBackendChoice gpuBackend();

    Optional<String> nvmlLibrary();

    /** Absent: {@code /zeus_sys/class/powercap} if it exists (zeus's container convention), else {@code /sys/class/powercap}. */
    Optional<@WithConverter(Converters.FilePath.class) Path> raplRoot();

    @WithDefault("device")
    StreamFormat streamFormat();

    /** How long a request waits for a device call before it answers 503; a device stuck longer fails calls at once. */
    @WithDefault("5s")
    @WithConverter(Converters.DeviceTimeout.class)
    Duration deviceTimeout();

    /**
     * The kubelet's pod-resources socket ({@code /var/lib/kubelet/pod-resources/kubelet.sock}); set, GPUs are
     * attributed to the pods and containers they are assigned to. Absent: no attribution.
     */
    Optional<@WithConverter(Converters.FilePath.class) Path> kubeletPodResourcesSocket();

    /** How often the kubelet's pod resources are listed. */
    @WithDefault("10s")
    @WithConverter(Converters.PodAttributionInterval.class)
    Duration podAttributionInterval();

    /** A TOML file mapping GPU control operations to commands that replace the device call (see docs/overrides.md). */
    Optional<@WithConverter(Converters.FilePath.class) Path> gpuCommandOverrides();

    /** Skip the root check, for fake devices or hosts where permissions were granted another way. */
    @WithDefault("false")
    boolean allowUnprivileged();

    /** Serve gpu-control on a non-loopback TCP address without tokens (refused otherwise). */
    @WithDefault("false")
    boolean allowUnauthenticatedControl();

    /** Where the restore journal lives (see docs/restore.md). */
    @WithDefault("/var/lib/zeusd")
    @WithConverter(Converters.FilePath.class)
    Path stateDir();

    /** On a clean stop, put every setting zeusd changed back to its original. */
    @WithDefault("false")
    boolean restoreOnShutdown();

    /** When the process that last changed a setting over the Unix socket exits, put it back. */
    @WithDefault("false")
    boolean restoreOnClientExit();

    default Set<ApiGroup> enabledGroups() {
        List<ApiGroup> groups = enable();
        return groups.isEmpty() ? EnumSet.noneOf(ApiGroup.class) : EnumSet.copyOf(groups);
    }

    default boolean gpusNeeded() {
        return enabledGroups().stream().anyMatch(ApiGroup::needsGpus);
    }

    default boolean cpusNeeded() {
        return enabledGroups().contains(ApiGroup.CPU_READ);
    }
}
