package dev.zeusd.boot;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.zeusd.StartupException;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;

/**
 * GPU control on a network address without tokens would let anyone who reaches the port change power limits and
 * clocks: refused at startup unless the operator says so explicitly. Loopback (the default, and dev mode) and the
 * Unix socket (guarded by its file mode) stay open as in the original.
 */
final class ExposureCheck {
    private ExposureCheck() {
    }

    static void verify(ZeusdConfig config) {
        if (config.mode() != TransportMode.TCP || config.signingKeyPath().isPresent()
                || !config.enabledGroups().contains(ApiGroup.GPU_CONTROL) || config.allowUnauthenticatedControl()
                || isLoopback(config.tcpBindAddress().host())) {
            return;
        }
        throw new StartupException("gpu-control on " + config.tcpBindAddress() + " without authentication would let "
                + "anyone who reaches that address change GPU power limits and clocks; pass --signing-key-path, or "
                + "serve reads only with --enable gpu-read,cpu-read (or accept the risk with "
                + "--allow-unauthenticated-control).");
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // Vert.x will fail to bind it anyway; do not guess it is safe
        }
    }
}
