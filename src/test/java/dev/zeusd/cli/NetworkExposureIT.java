package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/** GPU control on a network address needs tokens, or an explicit opt-out; loopback stays open. */
class NetworkExposureIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void controlOnAllAddressesWithoutTokensIsRefused() throws Exception {
        String address = "0.0.0.0:" + ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                address)) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: gpu-control on " + address + " without authentication would let anyone who reaches "
                    + "that address change GPU power limits and clocks; pass --signing-key-path, or serve reads only "
                    + "with --enable gpu-read,cpu-read (or accept the risk with --allow-unauthenticated-control).\n",
                    zeusd.stderr());
        }
    }

    @Test
    void readsOnlyOrAnExplicitOptOutStart() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "0.0.0.0:" + port, "--enable", "gpu-read,cpu-read")) {
            zeusd.awaitStarted(START);
            assertEquals(200, UdsHttpClient.tcp(port).get("/discover").status());
            zeusd.stop();
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "0.0.0.0:" + port, "--allow-unauthenticated-control")) {
            zeusd.awaitStarted(START);
            assertTrue(zeusd.stderr().contains("without authentication: anyone who can reach it"), zeusd.stderr());
            zeusd.stop();
        }
        try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                "localhost:" + port)) {
            zeusd.awaitStarted(START);
            zeusd.stop();
        }
    }
}
