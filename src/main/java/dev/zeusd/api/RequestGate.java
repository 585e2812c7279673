package dev.zeusd.api;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.zeusd.config.EnabledGroups;

/**
 * Runs before every endpoint: a disabled API group answers 404 (before any auth check), then any query parameter
 * the endpoint does not take, given twice or given empty is a 400, as the original rejects unknown fields. JAX-RS
 * would silently ignore them.
 */
@Singleton
public class RequestGate {
    private final EnabledGroups enabledGroups;
    private final Map<Method, EndpointRules> rulesByMethod = new ConcurrentHashMap<>();

    @Inject
    public RequestGate(EnabledGroups enabledGroups) {
        this.enabledGroups = enabledGroups;
    }

    @ServerRequestFilter(priority = 100)
    public void check(ResourceInfo resourceInfo, UriInfo uriInfo) {
        Method method = resourceInfo.getResourceMethod();
        if (method == null) {
            return;
        }
        EndpointRules rules = rulesByMethod.computeIfAbsent(method,
                m -> EndpointRules.of(resourceInfo.getResourceClass(), m));
        if (rules.group() != null && !enabledGroups.contains(rules.group())) {
            throw new ApiException(404, "API group '" + rules.group().wireName() + "' is not enabled on this server.");
        }
        for (Map.Entry<String, List<String>> param : uriInfo.getQueryParameters().entrySet()) {
            if (!rules.queryParams().contains(param.getKey())) {
                throw ApiException.badRequest("unknown query parameter '" + param.getKey() + "'"
                        + (rules.queryParams().isEmpty() ? "; this endpoint takes none"
                                : "; this endpoint takes " + String.join(", ", rules.queryParams().stream().sorted().toList())));
            }
            if (param.getValue().size() > 1) {
                throw ApiException.badRequest("query parameter '" + param.getKey() + "' is given more than once");
            }
            // JAX-RS hands an empty value to the resource as null, indistinguishable from absent; no parameter of
            // ours may be empty, so say so here.
            if (param.getValue().isEmpty() || param.getValue().get(0).isEmpty()) {
                throw ApiException.badRequest("query parameter '" + param.getKey() + "' has an empty value");
            }
        }
    }
}
