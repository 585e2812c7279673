package dev.zeusd.boot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.zeusd.StartupException;

/**
 * One daemon per socket path: "does something answer?" then "bind" is a race two daemons started together both win.
 * An exclusive lock (POSIX {@code fcntl}, what Java's FileLock takes on Linux) on {@code <socket>.lock}, taken before
 * that check and held until the process exits (the kernel drops it then, even after a crash), makes the second one
 * stop. The lock file is never deleted: deleting it would let a third daemon lock a new inode.
 */
final class SocketPathLock {
    /** Held for the life of the process; Quarkus may restart in one JVM (tests), which keeps its lock. */
    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

    private SocketPathLock() {
    }

    static Path lockFile(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /** @return false if another process holds the lock: another zeusd is starting or running on this path */
    static synchronized boolean tryAcquire(Path socket) {
        Path lockFile = lockFile(socket).toAbsolutePath();
        if (HELD.containsKey(lockFile)) {
            return true;
        }
        FileLock lock;
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // this JVM holds it through another channel
            }
            if (lock == null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new StartupException("Cannot lock " + lockFile + " (" + e.getClass().getSimpleName()
                    + "); run as root, or choose a --socket-path in a directory you can write.");
        }
        if (lock == null) {
            return false;
        }
        HELD.put(lockFile, lock);
        return true;
    }
}
