package dev.zeusd.config;

import java.util.Optional;

/** A listener address, {@code HOST:PORT}, with IPv6 hosts in brackets ({@code [::1]:4938}). */
public record HostPort(String host, int port) {

    /** The address, or empty if it is not {@code HOST:PORT} with a port from 0 to 65535. */
    public static Optional<HostPort> parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon > 0 && colon < address.length() - 1) {
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port >= 0 && port <= 65535 && !host.isEmpty()) {
                    return Optional.of(new HostPort(host, port));
                }
            } catch (NumberFormatException e) {
                // not a port
            }
        }
        return Optional.empty();
    }

    /** As an operator writes it: {@code 0.0.0.0:4938}, {@code [::1]:4938}. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
