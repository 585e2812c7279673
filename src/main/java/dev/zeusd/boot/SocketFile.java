package dev.zeusd.boot;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.zeusd.StartupException;

/**
 * The Unix socket file before bind and after. Before: create its directory; refuse a path another server still
 * answers on (Vert.x would delete and re-bind it, stealing the socket); remove a stale file left by a crash.
 */
public final class SocketFile {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /** sun_path is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private SocketFile() {
    }

    public static void prepare(Path socket) {
        int length = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new StartupException("--socket-path " + socket + " is " + length + " bytes long, but a Unix socket "
                    + "path can have at most " + MAX_PATH_BYTES + "; choose a shorter --socket-path.");
        }
        Path parent = socket.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StartupException(cannotCreateDirectory(parent, e), e);
        }
        if (!Files.isWritable(parent)) {
            throw new StartupException("Cannot create the socket " + socket + ": " + parent + " is not writable by "
                    + "this user; run as root, or choose a --socket-path in a directory you can write.");
        }
        if (!SocketPathLock.tryAcquire(socket)) {
            throw new StartupException(answers(socket) ? "Another zeusd is listening on " + socket + "; stop it first "
                    + "(`systemctl stop zeusd` for the system service) or pass another --socket-path."
                    : "Another zeusd is starting on " + socket + " (it holds " + SocketPathLock.lockFile(socket)
                            + "); stop it, or choose another --socket-path.");
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new StartupException(socket + " exists and is not a socket; remove it or choose another "
                    + "--socket-path.");
        }
        if (answers(socket)) {
            throw new StartupException("Another zeusd is listening on " + socket + "; stop it first (`systemctl "
                    + "stop zeusd` for the system service) or pass another --socket-path.");
        }
        try {
            Files.delete(socket);
        } catch (IOException e) {
            throw new StartupException("Cannot remove the stale socket " + socket + ": " + e.getMessage() + ".", e);
        }
    }

    /** Why the directory could not be made, and the way out: root, or a socket path somewhere writable. */
    static String cannotCreateDirectory(Path directory, IOException e) {
        String cause;
        if (e instanceof AccessDeniedException) {
            cause = "permission denied";
        } else if (e instanceof FileAlreadyExistsException) {
            cause = e.getMessage() + " exists and is not a directory";
        } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
            cause = fs.getReason().toLowerCase(java.util.Locale.ROOT);
        } else {
            cause = e.getMessage();
        }
        return "Cannot create the socket directory " + directory + " (" + cause + "); run zeusd as root, or pass "
                + "--socket-path in a directory you can write, such as /tmp/zeusd.sock.";
    }

    public static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
