package dev.zeusd.service.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.gpu.sim.SimulatedGpuBackend;
import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.command.GpuCommand.Setting;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.restore.Owners.ClientProcess;
import dev.zeusd.service.gpu.restore.RestoreJournal;
import dev.zeusd.service.gpu.restore.RestoreJournal.Original;
import dev.zeusd.service.gpu.restore.RestorePolicy;
import dev.zeusd.service.gpu.restore.RestoreReason;
import dev.zeusd.testsupport.AuditCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The keeper through GpuService, on simulated GPUs (production code) and real client processes. */
class SettingsRestoreTest {
    private static final long ORIGINAL = 300_000;

    @TempDir
    Path stateDir;

    private final SimulatedGpuBackend backend = new SimulatedGpuBackend(2, System::nanoTime);
    private final GpuDevice gpu0 = backend.devices().get(0);
    private final List<Process> clients = new java.util.ArrayList<>();

    @AfterEach
    void killClients() {
        clients.forEach(Process::destroyForcibly);
    }

    private GpuService service(boolean onShutdown, boolean onClientExit) {
        return new GpuService(backend, CommandOverrides.none(), new RestorePolicy(onShutdown, onClientExit, stateDir),
                new ControlAudit(new SimpleMeterRegistry()), DeviceWorkers.DEFAULT_TIMEOUT);
    }

    private RestoreJournal journal() {
        return new RestoreJournal(stateDir);
    }

    private ClientProcess client() throws IOException {
        Process process = new ProcessBuilder("sleep", "60").start();
        clients.add(process);
        return ClientProcess.of(process.pid()).orElseThrow();
    }

    private void exit(ClientProcess client) throws InterruptedException {
        for (Process process : clients) {
            if (process.pid() == client.pid()) {
                process.destroy();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void set(GpuService gpus, long mw, Optional<ClientProcess> client) {
        gpus.control().run(List.of(0), new GpuCommand.SetPowerLimit(mw), true, "test", client)
                .toCompletableFuture().join();
    }

    private static boolean within(long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    void flagsOffWriteNoJournalAndRestoreNothing() throws Exception {
        ClientProcess client = client();
        GpuService gpus = service(false, false);
        set(gpus, 150_000, Optional.of(client));
        assertFalse(journal().exists());
        exit(client);
        Thread.sleep(500);
        gpus.close();
        assertEquals(150_000, gpu0.powerLimitMw());
        assertFalse(journal().exists());
        try (var files = Files.list(stateDir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void theFirstOriginalIsJournalledBeforeTheChangeAndKept() throws Exception {
        try (GpuService gpus = service(true, false)) {
            set(gpus, 200_000, Optional.empty());
            set(gpus, 150_000, Optional.empty());
            assertEquals(List.of(new Original(0, Setting.POWER_LIMIT, ORIGINAL)), journal().read());
            gpus.control().run(List.of(1), new GpuCommand.ResetLockedClocks(), true, "test")
                    .toCompletableFuture().join();
            assertEquals(Set.of("0:power_limit_mw"), gpus.keeperForTests().journalled(), "a reset records nothing");
            gpus.control().run(List.of(1), new GpuCommand.SetPersistenceMode(true), true, "test").toCompletableFuture()
                    .join();
            assertEquals(List.of(new Original(0, Setting.POWER_LIMIT, ORIGINAL),
                    new Original(1, Setting.PERSISTENCE_MODE, false)), journal().read());
        }
    }

    @Test
    void aCleanStopRestoresEverythingAndEmptiesTheJournal() throws Exception {
        GpuDevice gpu1 = backend.devices().get(1);
        try (AuditCapture audit = new AuditCapture()) {
            GpuService gpus = service(true, false);
            set(gpus, 150_000, Optional.empty());
            gpus.control().run(List.of(1), new GpuCommand.SetPersistenceMode(true), true, "t")
                    .toCompletableFuture().join();
            gpus.control().run(List.of(1), new GpuCommand.SetGpuLockedClocks(500, 900), true, "t").toCompletableFuture()
                    .join();
            gpus.close();
            assertEquals(ORIGINAL, gpu0.powerLimitMw());
            assertFalse(gpu1.persistenceMode());
            assertFalse(journal().exists());
            assertEquals(3, gpus.restoredSettings(RestoreReason.SHUTDOWN));
            List<String> restores = audit.lines().stream().filter(l -> l.contains("restore=shutdown")).toList();
            assertEquals(3, restores.size(), audit.lines().toString());
            assertTrue(restores.stream().anyMatch(l -> l.contains("caller=zeusd gpu=0 op=set_power_limit "
                    + "power_limit_mw=300000 previous=150000 outcome=ok")), restores.toString());
            assertTrue(restores.stream().anyMatch(l -> l.contains("gpu=1 op=reset_gpu_locked_clocks")),
                    restores.toString());
        }
    }

    @Test
    void withoutRestoreOnShutdownAStopKeepsTheSettingsAndClearsTheJournal() throws Exception {
        GpuService gpus = service(false, true);
        set(gpus, 150_000, Optional.of(client()));
        assertTrue(journal().exists());
        gpus.close();
        assertEquals(150_000, gpu0.powerLimitMw());
        assertFalse(journal().exists(), "a clean stop is no crash");
    }

    @Test
    void anOwnersExitRestoresWithinASecond() throws Exception {
        try (GpuService gpus = service(false, true)) {
            ClientProcess client = client();
            set(gpus, 150_000, Optional.of(client));
            Thread.sleep(400);
            assertEquals(150_000, gpu0.powerLimitMw(), "restored only when the owner exits");
            exit(client);
            assertTrue(within(1000, () -> gpu0.powerLimitMw() == ORIGINAL));
            assertTrue(within(500, () -> !journal().exists()));
            assertEquals(1, gpus.restoredSettings(RestoreReason.CLIENT_EXIT));
        }
    }

    @Test
    void theLastWriterOwnsTheSetting() throws Exception {
        try (GpuService gpus = service(false, true)) {
            ClientProcess first = client();
            ClientProcess second = client();
            set(gpus, 150_000, Optional.of(first));
            set(gpus, 120_000, Optional.of(second));
            exit(first);
            Thread.sleep(800);
            assertEquals(120_000, gpu0.powerLimitMw(), "the first client's exit restores nothing");
            assertEquals(List.of(new Original(0, Setting.POWER_LIMIT, ORIGINAL)), journal().read());
            exit(second);
            assertTrue(within(1000, () -> gpu0.powerLimitMw() == ORIGINAL), "to the first original, not 150 W");
        }
    }

    @Test
    void aCallerWithoutAProcessTakesOwnershipToo() throws Exception {
        try (GpuService gpus = service(false, true)) {
            ClientProcess client = client();
            set(gpus, 150_000, Optional.of(client));
            set(gpus, 130_000, Optional.empty()); // e.g. over TCP: no process to watch
            exit(client);
            Thread.sleep(800);
            assertEquals(130_000, gpu0.powerLimitMw());
            assertEquals(0, gpus.restoredSettings(RestoreReason.CLIENT_EXIT));
        }
    }

    @Test
    void aClientThatIsGoneBeforeItsChangeRunsIsRestoredRightAway() throws Exception {
        Process quick = new ProcessBuilder("true").start();
        quick.waitFor();
        try (GpuService gpus = service(false, true)) {
            set(gpus, 150_000, ClientProcess.of(quick.pid()));
            assertTrue(within(1000, () -> gpu0.powerLimitMw() == ORIGINAL));
        }
    }

    @Test
    void aJournalFromACrashIsRestoredAtStartup() throws Exception {
        gpu0.setPowerLimitMw(140_000);
        backend.devices().get(1).setPersistenceMode(true);
        journal().write(List.of(new Original(0, Setting.POWER_LIMIT, ORIGINAL),
                new Original(1, Setting.PERSISTENCE_MODE, false)));
        try (GpuService gpus = service(false, true)) {
            gpus.recoverFromCrash();
            assertEquals(ORIGINAL, gpu0.powerLimitMw());
            assertFalse(backend.devices().get(1).persistenceMode());
            assertFalse(journal().exists());
            assertEquals(2, gpus.restoredSettings(RestoreReason.CRASH_RECOVERY));
        }
    }

    @Test
    void withTheFlagsOffAJournalIsLeftAlone() throws Exception {
        gpu0.setPowerLimitMw(140_000);
        List<Original> left = List.of(new Original(0, Setting.POWER_LIMIT, ORIGINAL));
        journal().write(left);
        try (GpuService gpus = service(false, false)) {
            gpus.recoverFromCrash();
            assertEquals(140_000, gpu0.powerLimitMw(), "the original zeusd's behaviour: nothing restored");
        }
        assertEquals(left, journal().read());
    }

    @Test
    void aSettingThatCannotBeRestoredStaysJournalled() throws Exception {
        List<Original> stale = List.of(new Original(7, Setting.POWER_LIMIT, ORIGINAL));
        journal().write(stale);
        try (GpuService gpus = service(true, false)) {
            gpus.recoverFromCrash();
            assertEquals(stale, journal().read(), "never silently discarded");
            assertEquals(1, gpus.failedRestores(RestoreReason.CRASH_RECOVERY));
        }
        assertEquals(stale, journal().read(), "the next start tries again");
    }

    @Test
    void anUnwritableJournalRefusesTheChange() throws Exception {
        Files.createDirectory(stateDir.resolve("restore-journal.json.tmp"));
        try (AuditCapture audit = new AuditCapture(); GpuService gpus = service(true, false)) {
            CompletionException e = assertThrows(CompletionException.class, () -> set(gpus, 150_000, Optional.empty()));
            DeviceException failure = assertInstanceOf(DeviceException.class,
                    ((dev.zeusd.service.DeviceFailures) e.getCause()).failures().get(0));
            assertEquals(DeviceErrorKind.INTERNAL, failure.kind());
            assertTrue(failure.getMessage().contains("GPU 0: the original setting could not be recorded"),
                    failure.getMessage());
            assertEquals(ORIGINAL, gpu0.powerLimitMw(), "not changed without a recorded original");
            assertTrue(audit.lines().get(0).contains("outcome=error status=500"), audit.lines().toString());
        }
    }
}
