package dev.zeusd.http;

import java.io.IOException;
import java.util.Optional;

import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The process at the other end of a Unix-socket request, as the kernel reports it (SO_PEERCRED). Vert.x offers no
 * public way to it: its connection's Netty channel is reached through {@code ConnectionBase}.
 */
public record UnixPeer(int uid, int pid) {
    /**
     * @return empty on TCP, or if the kernel would not say
     */
    public static Optional<UnixPeer> of(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase connection
                && connection.channel() instanceof EpollDomainSocketChannel channel) {
            try {
                PeerCredentials peer = channel.peerCredentials();
                return Optional.of(new UnixPeer(peer.uid(), peer.pid()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Whether the request came over a Unix socket at all. */
    public static boolean isUnixSocket(HttpServerRequest request) {
        return request.connection() instanceof ConnectionBase connection
                && connection.channel() instanceof EpollDomainSocketChannel;
    }
}
