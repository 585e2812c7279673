package dev.zeusd.lifecycle;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;
import io.quarkus.runtime.StartupEvent;

/** Says so at startup when the API is reachable over TCP by anyone, as the original does. */
@Singleton
public class ExposureWarning {
    private static final Logger LOG = Logger.getLogger(ExposureWarning.class);

    void onStart(@Observes StartupEvent event, ZeusdConfig config) {
        if (config.mode() == TransportMode.TCP && config.signingKeyPath().isEmpty()) {
            LOG.warnf("The API is served on TCP %s without authentication: anyone who can reach it can use every "
                    + "enabled group. Pass --signing-key-path to require tokens.", config.tcpBindAddress());
            // non-loopback gpu-control without tokens gets here only with --allow-unauthenticated-control
        }
    }
}
