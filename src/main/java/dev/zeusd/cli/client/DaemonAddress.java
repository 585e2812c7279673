package dev.zeusd.cli.client;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.zeusd.config.HostPort;

/**
 * Where the client finds the daemon, as the Zeus Python client does: {@code ZEUSD_SOCK_PATH}, else
 * {@code ZEUSD_HOST_PORT}, else {@code /run/zeusd/zeusd.sock}; {@code --socket} or {@code --host-port} win over both.
 */
record DaemonAddress(Optional<Path> socket, Optional<HostPort> hostPort, String source) {
    static final Path DEFAULT_SOCKET = Path.of("/run/zeusd/zeusd.sock");

    /**
     * @throws IllegalArgumentException if a host-port given is not {@code HOST:PORT}
     */
    static DaemonAddress resolve(Path socketFlag, String hostPortFlag, Map<String, String> environment) {
        if (socketFlag != null) {
            return new DaemonAddress(Optional.of(socketFlag), Optional.empty(), "--socket");
        }
        if (hostPortFlag != null) {
            return tcp(hostPortFlag, "--host-port");
        }
        String socket = environment.get("ZEUSD_SOCK_PATH");
        if (socket != null && !socket.isBlank()) {
            return new DaemonAddress(Optional.of(Path.of(socket)), Optional.empty(), "ZEUSD_SOCK_PATH");
        }
        String hostPort = environment.get("ZEUSD_HOST_PORT");
        if (hostPort != null && !hostPort.isBlank()) {
            return tcp(hostPort, "ZEUSD_HOST_PORT");
        }
        return new DaemonAddress(Optional.of(DEFAULT_SOCKET), Optional.empty(), "the default");
    }

    private static DaemonAddress tcp(String value, String source) {
        HostPort hostPort = HostPort.parse(value.replaceFirst("^https?://", "").replaceFirst("/$", ""))
                .orElseThrow(() -> new IllegalArgumentException(source + " must be HOST:PORT, got '" + value + "'"));
        return new DaemonAddress(Optional.empty(), Optional.of(hostPort), source);
    }

    /** "the Unix socket /run/zeusd/zeusd.sock (the default)", for the sentence when nothing answers. */
    String describe() {
        return socket.map(path -> "the Unix socket " + path).orElseGet(() -> "TCP " + hostPort.get()) + " (" + source
                + ")";
    }
}
