package dev.zeusd.api;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import dev.zeusd.auth.CurrentCaller;
import dev.zeusd.service.gpu.restore.ClientProcess;
import dev.zeusd.http.UnixPeer;
import io.vertx.core.http.HttpServerRequest;
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
        return UnixPeer.of(routing.request()).flatMap(peer -> ClientProcess.of(peer.pid()));
    }

    /**
     * Process {@code pid}, named by the caller as the owner of what it changes (a job's shell, whose exit puts the
     * settings back): only over the Unix socket, where the kernel names the caller, and only a process of the
     * caller's own uid (root may name any).
     */
    ClientProcess ownerNamedByCaller(long pid) {
        UnixPeer peer = UnixPeer.of(routing.request()).orElseThrow(() -> ApiException.badRequest(
                "owner_pid is taken only over the Unix socket, where the kernel says who the caller is"));
        var uid = ClientProcess.uidOf(pid);
        ClientProcess process = ClientProcess.of(pid).filter(ClientProcess::isAlive).filter(p -> uid.isPresent())
                .orElseThrow(() -> ApiException.badRequest("owner_pid " + pid + ": no such process"));
        if (peer.uid() != 0 && uid.getAsLong() != peer.uid()) {
            throw new ApiException(403, "owner_pid " + pid + " belongs to uid " + uid.getAsLong() + ", not to the "
                    + "caller (uid " + peer.uid() + ")");
        }
        return process;
    }

    private static String peer(HttpServerRequest request) {
        if (UnixPeer.isUnixSocket(request)) {
            return UnixPeer.of(request).map(peer -> "uid=" + peer.uid() + ",pid=" + peer.pid())
                    .orElse("anonymous@unix");
        }
        return "anonymous@" + request.remoteAddress();
    }
}
