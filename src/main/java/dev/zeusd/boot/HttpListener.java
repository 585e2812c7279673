package dev.zeusd.boot;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.zeusd.StartupException;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;

/** Translates the transport settings into the Quarkus properties that choose the API and management listeners. */
public final class HttpListener {
    static final String MANAGEMENT_OFF = "off";

    private HttpListener() {
    }

    public static Map<String, String> quarkusProperties(ZeusdConfig config) {
        Map<String, String> props = new LinkedHashMap<>();
        if (config.mode() == TransportMode.UDS) {
            props.put("quarkus.http.host-enabled", "false");
            props.put("quarkus.http.domain-socket-enabled", "true");
            props.put("quarkus.http.domain-socket", config.socketPath());
        } else {
            HostPort bind = HostPort.parse(config.tcpBindAddress(), "--tcp-bind-address", "127.0.0.1:4938");
            props.put("quarkus.http.host-enabled", "true");
            props.put("quarkus.http.domain-socket-enabled", "false");
            props.put("quarkus.http.host", bind.host());
            props.put("quarkus.http.port", Integer.toString(bind.port()));
        }
        if (MANAGEMENT_OFF.equalsIgnoreCase(config.managementBindAddress())) {
            // The management interface is a build-time feature; at run time it is switched off by binding nothing.
            props.put("quarkus.management.host-enabled", "false");
        } else {
            HostPort management = HostPort.parse(config.managementBindAddress(), "--management-bind-address",
                    "127.0.0.1:9464 or off");
            props.put("quarkus.management.host", management.host());
            props.put("quarkus.management.port", Integer.toString(management.port()));
        }
        config.numWorkers().ifPresent(n -> props.put("quarkus.http.io-threads", Integer.toString(n)));
        // Quarkus answers a URI that java.net.URI rejects (gpu_ids=%zz) with an empty 400 before any handler of
        // ours; without that check the request reaches api/RequestHeadCheck and api/HttpLayerErrors, which answer JSON.
        props.put("vertx.disableURIValidation", "true");
        return props;
    }

    /** {@code HOST:PORT}, with IPv6 hosts in brackets ({@code [::1]:4938}). */
    public record HostPort(String host, int port) {
        public static HostPort parse(String address, String flag, String example) {
            int colon = address.lastIndexOf(':');
            if (colon > 0 && colon < address.length() - 1) {
                String host = address.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                try {
                    int port = Integer.parseInt(address.substring(colon + 1));
                    if (port >= 0 && port <= 65535 && !host.isEmpty()) {
                        return new HostPort(host, port);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw new StartupException(flag + " must be HOST:PORT, such as " + example + ", got '" + address + "'.");
        }
    }
}
