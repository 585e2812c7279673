package dev.zeusd.api;

import java.io.IOException;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import dev.zeusd.auth.CurrentCaller;
import dev.zeusd.service.gpu.restore.ClientProcess;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Who made a request, for the audit trail: the token's {@code sub} when auth is on; else, on the Unix socket, the
 * peer's uid and pid from SO_PEERCRED (the kernel vouches for them); else {@code anonymous} and the remote address.
 */
@RequestScoped
public class CallerIdentity {
    private final CurrentCaller caller;
    private final RoutingContext routing;

    @Inject
    public CallerIdentity(CurrentCaller caller, RoutingContext routing) {
        this.caller = caller;
        this.routing = routing;
    }

    String auditName() {
        return caller.get().map(c -> "sub=" + c.subject()).orElseGet(() -> peer(routing.request()));
    }

    /** The calling process, on the Unix socket only (SO_PEERCRED); with its start time read now, while it runs. */
    Optional<ClientProcess> clientProcess() {
        if (routing.request().connection() instanceof ConnectionBase connection
                && connection.channel() instanceof EpollDomainSocketChannel channel) {
            try {
                return ClientProcess.of(channel.peerCredentials().pid());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String peer(HttpServerRequest request) {
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
