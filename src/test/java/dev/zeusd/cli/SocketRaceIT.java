package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/** Two daemons started at the same moment on one socket path: one serves, the other stops with one sentence. */
class SocketRaceIT {
    private static final int RUNS = 20;

    @TempDir
    Path dir;

    @Test
    void twoDaemonsStartedTogetherNeverBothServe() throws Exception {
        for (int run = 0; run < RUNS; run++) {
            Path socket = dir.resolve("run" + run + "/zeusd.sock");
            try (ZeusdProcess a = ZeusdProcess.start("serve", "--simulate", "--enable", "gpu-read", "--socket-path",
                    socket.toString());
                    ZeusdProcess b = ZeusdProcess.start("serve", "--simulate", "--enable", "gpu-read",
                            "--socket-path", socket.toString())) {
                ZeusdProcess loser = awaitOneExit(a, b);
                ZeusdProcess winner = loser == a ? b : a;
                assertEquals(1, loser.awaitExit(Duration.ofSeconds(30)), "run " + run + ": " + loser.stderr());
                assertTrue(loser.stderr().matches("zeusd: Another zeusd is (starting|listening) on .*\\n"),
                        "run " + run + ": not one sentence: " + loser.stderr());
                winner.awaitStarted(Duration.ofSeconds(60));
                assertEquals(200, new UdsHttpClient(socket).get("/time").status(), "run " + run);
                winner.stop(); // SIGTERM; the next run uses a fresh path anyway
            }
        }
    }

    private static ZeusdProcess awaitOneExit(ZeusdProcess a, ZeusdProcess b) throws InterruptedException {
        for (int i = 0; i < 6000; i++) { // 60 s at most
            if (!a.isAlive()) {
                return a;
            }
            if (!b.isAlive()) {
                return b;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("both daemons still running: " + a.stderr() + " / " + b.stderr());
    }
}
