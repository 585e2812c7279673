package dev.zeusd.boot;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.zeusd.config.HostPort;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;

/** Translates the transport settings into the Quarkus properties that choose the API and management listeners. */
public final class ListenerProperties {
    private ListenerProperties() {
    }

    public static Map<String, String> quarkusProperties(ZeusdConfig config) {
        Map<String, String> props = new LinkedHashMap<>();
        if (config.mode() == TransportMode.UDS) {
            props.put("quarkus.http.host-enabled", "false");
            props.put("quarkus.http.domain-socket-enabled", "true");
            props.put("quarkus.http.domain-socket", config.socketPath().toString());
        } else {
            HostPort bind = config.tcpBindAddress();
            props.put("quarkus.http.host-enabled", "true");
            props.put("quarkus.http.domain-socket-enabled", "false");
            props.put("quarkus.http.host", bind.host());
            props.put("quarkus.http.port", Integer.toString(bind.port()));
        }
        config.managementBindAddress().ifPresentOrElse(management -> {
            props.put("quarkus.management.host", management.host());
            props.put("quarkus.management.port", Integer.toString(management.port()));
        }, () -> {
            // The management interface is a build-time feature; at run time it is switched off by binding nothing.
            props.put("quarkus.management.host-enabled", "false");
        });
        props.putAll(ManagementTls.quarkusProperties(config));
        config.numWorkers().ifPresent(n -> props.put("quarkus.http.io-threads", Integer.toString(n)));
        // Quarkus answers a URI that java.net.URI rejects (gpu_ids=%zz) with an empty 400 before any handler of
        // ours; without that check the request reaches http/RequestHeadCheck and http/HttpLayerErrors, which answer JSON.
        props.put("vertx.disableURIValidation", "true");
        return props;
    }
}
