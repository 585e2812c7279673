package dev.zeusd.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.zeusd.boot.SocketFile;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.DomainSocketServerStart;

/**
 * After bind: applies {@code --socket-permissions} and {@code --socket-uid/--socket-gid}. On clean shutdown: removes
 * the socket file, but only if it is still the one we bound (same inode), never a successor's.
 */
@Singleton
public class SocketFileOwner {
    private static final Logger LOG = Logger.getLogger(SocketFileOwner.class);
    private Path socket;
    private Object boundInode;

    /**
     * Quarkus fires this (asynchronously) once Vert.x has bound the Unix socket. Until then the file has the umask's
     * mode, which is never wider than what we apply.
     */
    void onBound(@ObservesAsync DomainSocketServerStart event, ZeusdConfig config) {
        if (config.mode() != TransportMode.UDS) {
            return;
        }
        Path path = config.socketPath();
        if (!SocketFile.isSocket(path)) {
            LOG.errorf("Socket %s did not appear; permissions not applied", path);
            return;
        }
        try {
            apply(path, config);
        } catch (IOException e) {
            LOG.errorf("Cannot apply permissions or owner to %s: %s", path, e.getMessage());
        }
    }

    private synchronized void apply(Path path, ZeusdConfig config) throws IOException {
        Files.setPosixFilePermissions(path, config.socketPermissions().permissions());
        if (config.socketUid().isPresent()) {
            Files.setAttribute(path, "unix:uid", config.socketUid().getAsInt(), LinkOption.NOFOLLOW_LINKS);
        }
        if (config.socketGid().isPresent()) {
            Files.setAttribute(path, "unix:gid", config.socketGid().getAsInt(), LinkOption.NOFOLLOW_LINKS);
        }
        socket = path;
        boundInode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        LOG.infof("Listening on unix:%s (mode %s)", path, config.socketPermissions());
    }

    synchronized void onStop(@Observes ShutdownEvent event) {
        if (socket == null) {
            return;
        }
        try {
            if (boundInode.equals(Files.getAttribute(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            LOG.debugf("Socket file %s already gone: %s", socket, e.getMessage());
        }
    }
}
