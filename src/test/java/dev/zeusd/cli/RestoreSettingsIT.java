package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.ControlClient;
import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * Settings that go back when their owner is gone, end to end: the packaged daemon on the fake libnvidia-ml.so, whose
 * settings outlive the daemon (FAKE_NVML_STATE_FILE) as a real GPU's do, with clients in processes of their own.
 */
class RestoreSettingsIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ORIGINAL = 300_000;
    private static final String SET_150W = "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=150000&block=true";

    private Path dir;
    private Path socket;
    private Path stateDir;
    private Path gpuState;
    private final List<ZeusdProcess> daemons = new ArrayList<>();
    private final List<Process> clients = new ArrayList<>();

    @BeforeEach
    void dirs() throws IOException {
        dir = Files.createTempDirectory("zeusd-restore");
        socket = dir.resolve("zeusd.sock");
        stateDir = dir.resolve("state");
        gpuState = dir.resolve("fake-gpus.state");
    }

    @AfterEach
    void cleanUp() {
        clients.forEach(Process::destroyForcibly);
        daemons.forEach(ZeusdProcess::close);
    }

    private ZeusdProcess launch(String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--socket-path", socket.toString(), "--state-dir",
                stateDir.toString(), "--allow-unprivileged", "--enable", "gpu-control,gpu-read", "--gpu-backend",
                "nvml", "--nvml-library", FakeNvmlHooks.libraryPath()));
        args.addAll(List.of(flags));
        ZeusdProcess zeusd = ZeusdProcess.start(Map.of("FAKE_NVML_DEVICE_COUNT", "2", "FAKE_NVML_STATE_FILE",
                gpuState.toString()), args.toArray(String[]::new));
        daemons.add(zeusd);
        return zeusd;
    }

    private ZeusdProcess started(String... flags) throws Exception {
        ZeusdProcess zeusd = launch(flags);
        zeusd.awaitStarted(START);
        return zeusd;
    }

    private long powerLimit() throws IOException {
        UdsHttpClient.Response response = new UdsHttpClient(socket).get("/gpu/get_power_limit?gpu_ids=0");
        assertEquals(200, response.status(), response.body());
        return JSON.readTree(response.body()).get("0").get("power_limit_mw").asLong();
    }

    private ControlClient.Started client(String pathAndQuery) throws Exception {
        ControlClient.Started client = ControlClient.start(socket, "POST", pathAndQuery, true);
        clients.add(client.process());
        assertEquals(200, client.status());
        return client;
    }

    /** Milliseconds until the power limit reads {@code expected}, failing after {@code limitMs}. */
    private long millisUntil(long expected, long limitMs) throws Exception {
        long start = System.nanoTime();
        long last;
        while ((last = powerLimit()) != expected) {
            if (System.nanoTime() - start > limitMs * 1_000_000) {
                throw new AssertionError("power limit still " + last + " after " + limitMs + " ms");
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private Path journal() {
        return stateDir.resolve("restore-journal.json");
    }

    @Test
    void aClientsExitPutsItsPowerLimitBackWithinASecond() throws Exception {
        int management = ZeusdProcess.freeTcpPort();
        ZeusdProcess zeusd = started("--restore-on-client-exit", "--management-bind-address",
                "127.0.0.1:" + management);
        ControlClient.Started job = client(SET_150W);
        Thread.sleep(500);
        assertEquals(150_000, powerLimit(), "kept while its client runs (reads take no ownership)");
        assertTrue(Files.readString(journal()).contains("\"original\" : 300000"), Files.readString(journal()));
        job.exit();
        millisUntil(ORIGINAL, 1000);
        assertTrue(zeusd.stderr().lines().anyMatch(l -> l.contains("caller=zeusd gpu=0 op=set_power_limit "
                + "power_limit_mw=300000 previous=150000 outcome=ok restore=client_exit setting=power_limit_mw")),
                zeusd.stderr());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + management + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("zeusd_restored_settings_total{reason=\"client_exit\"} 1.0"), metrics);
        assertTrue(metrics.contains("zeusd_restored_settings_total{reason=\"shutdown\"} 0.0"), metrics);
        assertFalse(Files.exists(journal()), "nothing left to restore");
        zeusd.stop();
    }

    @Test
    void whenASecondClientOverridesTheFirstOnesExitRestoresNothing() throws Exception {
        ZeusdProcess zeusd = started("--restore-on-client-exit");
        ControlClient.Started first = client(SET_150W);
        ControlClient.Started second = client("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=120000&block=true");
        first.exit();
        Thread.sleep(1000);
        assertEquals(120_000, powerLimit(), "the second client owns the setting now");
        second.exit();
        millisUntil(ORIGINAL, 1000);
        assertEquals(1, zeusd.stderr().lines().filter(l -> l.contains("restore=client_exit")).count(), zeusd.stderr());
    }

    @Test
    void sigtermWithRestoreOnShutdownPutsOriginalsBackAndEmptiesTheJournal() throws Exception {
        ZeusdProcess zeusd = started("--restore-on-shutdown");
        assertEquals(200, new UdsHttpClient(socket).post(SET_150W).status());
        assertEquals(200, new UdsHttpClient(socket)
                .post("/gpu/set_persistence_mode?gpu_ids=1&enabled=true&block=true").status());
        assertTrue(Files.exists(journal()));
        zeusd.stop();
        assertFalse(Files.exists(journal()), zeusd.stderr());
        assertTrue(zeusd.stderr().contains("power_limit_mw=300000 previous=150000 outcome=ok restore=shutdown"),
                zeusd.stderr());
        assertTrue(zeusd.stderr().contains("op=set_persistence_mode enabled=false previous=true outcome=ok "
                + "restore=shutdown"), zeusd.stderr());
        started(); // the GPUs keep their settings across daemons: read them back
        assertEquals(ORIGINAL, powerLimit());
        UdsHttpClient.Response persistence = new UdsHttpClient(socket).get("/gpu/get_persistence_mode?gpu_ids=1");
        assertEquals("{\"1\":{\"enabled\":false}}", persistence.body());
    }

    @Test
    void afterSigkillTheNextStartRestoresBeforeServing() throws Exception {
        ZeusdProcess crashed = started("--restore-on-shutdown");
        assertEquals(200, new UdsHttpClient(socket).post(SET_150W).status());
        crashed.close(); // SIGKILL: no shutdown hook runs
        crashed.awaitExit(START);
        assertTrue(Files.exists(journal()), "the journal outlives the crash");
        assertTrue(Files.readString(gpuState).startsWith("150000 "), "the GPU kept the crashed daemon's limit");

        ZeusdProcess zeusd = launch("--restore-on-client-exit"); // either flag recovers
        long deadline = System.nanoTime() + START.toNanos();
        Long first = null;
        while (first == null) {
            try {
                first = powerLimit(); // the very first answer served
            } catch (IOException notYetListening) {
                assertTrue(zeusd.isAlive(), zeusd.stderr());
                assertTrue(System.nanoTime() < deadline, zeusd.stderr());
                Thread.sleep(5);
            }
        }
        assertEquals(ORIGINAL, first, zeusd.stderr());
        assertFalse(Files.exists(journal()));
        assertTrue(zeusd.stderr().contains("GPU 0: power_limit_mw restored to 300000 after a crash (from " + journal()
                + ")"), zeusd.stderr());
        assertTrue(zeusd.stderr().contains("restore=crash_recovery"), zeusd.stderr());
    }

    @Test
    void withTheFlagsOffNothingIsRestoredAndNoJournalIsWritten() throws Exception {
        ZeusdProcess zeusd = started();
        client(SET_150W).exit();
        Thread.sleep(1000);
        assertEquals(150_000, powerLimit(), "a short-lived set_power_limit sticks");
        zeusd.stop();
        assertFalse(Files.exists(stateDir), "no state directory, no journal");
        assertFalse(zeusd.stderr().contains("restore="), zeusd.stderr());
        started();
        assertEquals(150_000, powerLimit());
    }

    @Test
    void aCorruptJournalStopsStartupWithOneSentence() throws Exception {
        Files.createDirectories(stateDir);
        Files.writeString(journal(), "{\"format\": \"zeusd-restore-journal/1\", \"settings\": [ {\"gpu\": 0,");
        ZeusdProcess zeusd = launch("--restore-on-shutdown");
        assertEquals(1, zeusd.awaitExit(START));
        String expected = "zeusd: The restore journal " + journal() + " is not a valid journal (";
        assertTrue(zeusd.stderr().startsWith(expected) || zeusd.stderr().contains("\n" + expected), zeusd.stderr());
        assertTrue(zeusd.stderr().contains("then move the file away and start zeusd again.\n"), zeusd.stderr());
        assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
        assertTrue(Files.exists(journal()), "never silently discarded");
        assertFalse(Files.exists(socket), "it never listened");
    }

    @Test
    void restoreOnClientExitNeedsTheUnixSocket() throws Exception {
        ZeusdProcess zeusd = ZeusdProcess.start("serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:0",
                "--simulate", "--restore-on-client-exit", "--state-dir", stateDir.toString());
        daemons.add(zeusd);
        assertEquals(1, zeusd.awaitExit(START));
        assertTrue(zeusd.stderr().contains("zeusd: --restore-on-client-exit needs --mode uds"), zeusd.stderr());
    }
}
