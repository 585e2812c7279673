package dev.zeusd.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.StartupException;

class StartupChecksTest {
    @TempDir
    Path dir;

    @Test
    void effectiveUidIsTheSecondFieldOfUidLine() throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        assertEquals(OptionalLong.of(0), PrivilegeCheck.effectiveUid(status));
        assertEquals(OptionalLong.empty(), PrivilegeCheck.effectiveUid(dir.resolve("missing")));
    }

    @Test
    void aRegularFileAtTheSocketPathIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("zeusd.sock"), "not a socket");
        StartupException e = assertThrows(StartupException.class, () -> SocketFile.prepare(file));
        assertTrue(e.getMessage().contains("is not a socket"));
    }

    @Test
    void parentDirectoryIsCreated() {
        Path socket = dir.resolve("run/zeusd/zeusd.sock");
        SocketFile.prepare(socket);
        assertTrue(Files.isDirectory(socket.getParent()));
    }

    @Test
    void aSocketPathTooLongForSunPathIsOneSentence() {
        Path socket = dir.resolve("d".repeat(60)).resolve("z".repeat(60) + ".sock");
        StartupException e = assertThrows(StartupException.class, () -> SocketFile.prepare(socket));
        assertTrue(e.getMessage().contains(socket.toString()) && e.getMessage().contains("at most 107")
                && e.getMessage().contains("shorter --socket-path"), e.getMessage());
        assertTrue(e.getCause() == null, "no stack trace behind the sentence");
    }

    @Test
    void aSecondDaemonOnTheSamePathStops() throws IOException {
        Path socket = dir.resolve("locked/zeusd.sock");
        Files.createDirectories(socket.getParent());
        try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(socket.resolveSibling(
                "zeusd.sock.lock"), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock held = other.lock()) {
            StartupException e = assertThrows(StartupException.class, () -> SocketFile.prepare(socket));
            assertTrue(e.getMessage().startsWith("Another zeusd is starting on " + socket), e.getMessage());
        }
        SocketFile.prepare(socket); // free again: this one takes it
        assertTrue(Files.exists(socket.resolveSibling("zeusd.sock.lock")));
    }
}
