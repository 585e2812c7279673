package dev.zeusd.api;

import java.io.IOException;

import dev.zeusd.auth.Caller;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Who made a request, for the audit trail: the token's {@code sub} when auth is on; else, on the Unix socket, the
 * peer's uid and pid from SO_PEERCRED (the kernel vouches for them); else {@code anonymous} and the remote address.
 */
final class CallerIdentity {
    private CallerIdentity() {
    }

    static String of(Caller caller, HttpServerRequest request) {
        if (caller != null) {
            return "sub=" + caller.subject();
        }
        if (request.connection() instanceof ConnectionBase connection
                && connection.channel() instanceof EpollDomainSocketChannel channel) {
            try {
                PeerCredentials peer = channel.peerCredentials();
                return "uid=" + peer.uid() + ",pid=" + peer.pid();
            } catch (IOException e) {
                return "anonymous@unix";
            }
        }
        return "anonymous@" + request.remoteAddress();
    }
}
