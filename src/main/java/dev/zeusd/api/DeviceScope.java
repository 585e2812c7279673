package dev.zeusd.api;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.auth.Authenticator;
import dev.zeusd.auth.Caller;
import dev.zeusd.auth.CurrentCaller;

/**
 * The devices this request's token may use ({@code gpu_ids} / {@code cpu_ids} claims; tokens without them, and auth
 * off, may use all). Applied where a resource has resolved its ids: named devices outside the token's are 403, and
 * "all devices" (no ids given) means the token's devices.
 *
 * <p>A singleton that asks for the caller only with auth on: with auth off there is no token to limit anything, and
 * not touching the request-scoped caller spares every read two bean instances.
 */
@Singleton
public class DeviceScope {
    private final Authenticator authenticator;
    private final CurrentCaller currentCaller;

    @Inject
    public DeviceScope(Authenticator authenticator, CurrentCaller currentCaller) {
        this.authenticator = authenticator;
        this.currentCaller = currentCaller;
    }

    /** @param named the raw {@code gpu_ids} parameter, null when the request named none */
    public SortedSet<Integer> gpus(String named, SortedSet<Integer> resolved) {
        return limit("GPU", "gpu_ids", Caller::gpuIds, named, resolved);
    }

    /** @param named the raw {@code cpu_ids} parameter, null when the request named none */
    public SortedSet<Integer> cpus(String named, SortedSet<Integer> resolved) {
        return limit("CPU", "cpu_ids", Caller::cpuIds, named, resolved);
    }

    private SortedSet<Integer> limit(String kind, String claim, Function<Caller, SortedSet<Integer>> limitOf,
            String named, SortedSet<Integer> resolved) {
        if (!authenticator.enabled()) {
            return resolved;
        }
        Caller caller = currentCaller.get().orElse(null);
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

    private static String join(java.util.Collection<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
