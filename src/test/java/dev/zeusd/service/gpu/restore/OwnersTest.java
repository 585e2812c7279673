package dev.zeusd.service.gpu.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.restore.Owners.ClientProcess;

class OwnersTest {
    @Test
    void aProcessIsItsPidAndStartTime() throws Exception {
        ClientProcess self = ClientProcess.of(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(self.isAlive());
        assertTrue(self.startTime() > 0);
        assertFalse(new ClientProcess(self.pid(), self.startTime() + 1).isAlive(), "same pid, another process");
        assertTrue(ClientProcess.of(0).isEmpty(), "pid 0: a peer in another pid namespace");
    }

    @Test
    void aProcessThatIsGoneWhenSeenIsNotAlive() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        ClientProcess gone = ClientProcess.of(done.pid()).orElseThrow();
        assertFalse(gone.isAlive());
    }

    @Test
    void reportsAnExitWithinAPollAndThenStops() throws Exception {
        List<ClientProcess> exited = new CopyOnWriteArrayList<>();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        Process other = new ProcessBuilder("sleep", "30").start();
        try (Owners.Watcher watcher = new Owners.Watcher(exited::add)) {
            assertFalse(watcher.running(), "no owners, no thread");
            ClientProcess first = ClientProcess.of(sleeper.pid()).orElseThrow();
            ClientProcess second = ClientProcess.of(other.pid()).orElseThrow();
            watcher.watch(first);
            watcher.watch(second);
            assertTrue(watcher.running());
            Thread.sleep(3 * Owners.Watcher.PERIOD_MS);
            assertEquals(List.of(), exited);
            sleeper.destroy();
            sleeper.waitFor(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (exited.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(first), exited);
            assertTrue(watcher.running(), "one owner is still alive");
            watcher.forget(second);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (watcher.running() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(watcher.running(), "the thread ends with the last owner");
            assertEquals(List.of(first), exited, "a forgotten process is not reported");
        } finally {
            sleeper.destroyForcibly();
            other.destroyForcibly();
        }
    }
}
