package dev.zeusd.api;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.auth.Authenticator;
import dev.zeusd.auth.Caller;
import dev.zeusd.auth.CurrentCaller;
import dev.zeusd.http.UnixPeer;
import dev.zeusd.service.gpu.restore.Owners.ClientProcess;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Who calls, as far as a resource needs to know: the devices the token lets it use ({@code gpu_ids} /
 * {@code cpu_ids} claims; tokens without them, and auth off, may use all), the name the audit trail gives it, and the
 * process that owns what it changes.
 *
 * <p>A singleton that asks for the token only with auth on: with auth off there is none to limit or name anything,
 * and not touching the request-scoped caller spares every read two bean instances. The request itself is asked for
 * only by control calls.
 */
@Singleton
public class RequestCaller {
    private final Authenticator authenticator;
    private final CurrentCaller currentCaller;
    private final RoutingContext routing;

    @Inject
    public RequestCaller(Authenticator authenticator, CurrentCaller currentCaller, RoutingContext routing) {
        this.authenticator = authenticator;
        this.currentCaller = currentCaller;
        this.routing = routing;
    }

    /**
     * The GPUs of {@code resolved} this caller may use: named devices outside the token's are 403, and "all devices"
     * (no ids given) means the token's devices.
     *
     * @param named the raw {@code gpu_ids} parameter, null when the request named none
     */
    public SortedSet<Integer> gpus(String named, SortedSet<Integer> resolved) {
        return limit("GPU", "gpu_ids", Caller::gpuIds, named, resolved);
    }

    /** As {@link #gpus}, for {@code cpu_ids}. */
    public SortedSet<Integer> cpus(String named, SortedSet<Integer> resolved) {
        return limit("CPU", "cpu_ids", Caller::cpuIds, named, resolved);
    }

    /**
     * The caller in the audit trail: the token's {@code sub} when auth is on; else, on the Unix socket, the peer's
     * uid and pid from SO_PEERCRED (the kernel vouches for them); else {@code anonymous} and the remote address.
     */
    String auditName() {
        return token().map(c -> "sub=" + c.subject()).orElseGet(() -> peer(routing.request()));
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

    private Optional<Caller> token() {
        return authenticator.enabled() ? currentCaller.get() : Optional.empty();
    }

    private SortedSet<Integer> limit(String kind, String claim, Function<Caller, SortedSet<Integer>> limitOf,
            String named, SortedSet<Integer> resolved) {
        Caller caller = token().orElse(null);
        SortedSet<Integer> allowed = caller == null ? null : limitOf.apply(caller);
        if (allowed == null) {
            return resolved;
        }
        String limits = " (token " + claim + ": " + (allowed.isEmpty() ? "none" : join(allowed)) + ")";
        if (named == null) {
            SortedSet<Integer> own = new TreeSet<>(resolved);
            own.retainAll(allowed);
            if (own.isEmpty()) {
                throw new ApiException(403, "user '" + caller.subject() + "' may use no " + kind
                        + " of this server" + limits);
            }
            return Collections.unmodifiableSortedSet(own);
        }
        List<Integer> outside = resolved.stream().filter(id -> !allowed.contains(id)).toList();
        if (!outside.isEmpty()) {
            throw new ApiException(403, "user '" + caller.subject() + "' may not use " + kind
                    + (outside.size() > 1 ? "s " : " ") + join(outside) + limits);
        }
        return resolved;
    }

    private static String join(Collection<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String peer(HttpServerRequest request) {
        if (UnixPeer.isUnixSocket(request)) {
            return UnixPeer.of(request).map(peer -> "uid=" + peer.uid() + ",pid=" + peer.pid())
                    .orElse("anonymous@unix");
        }
        return "anonymous@" + request.remoteAddress();
    }
}
