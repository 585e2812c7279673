package dev.zeusd.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Runs after {@link AccessGate}, once the endpoint is known: a query parameter the endpoint does not take, given
 * twice or given empty is a 400, as the original rejects unknown fields. JAX-RS would silently ignore them.
 */
@Singleton
public class StrictQueryParams {
    private final Map<Method, Set<String>> paramsByMethod = new ConcurrentHashMap<>();

    private static Set<String> queryParamsOf(Method method) {
        Set<String> names = new HashSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof QueryParam queryParam) {
                    names.add(queryParam.value());
                }
            }
        }
        return Set.copyOf(names);
    }

    @ServerRequestFilter(priority = 100)
    public void check(ResourceInfo resourceInfo, UriInfo uriInfo) {
        Method method = resourceInfo.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> allowed = paramsByMethod.computeIfAbsent(method, StrictQueryParams::queryParamsOf);
        for (Map.Entry<String, List<String>> param : uriInfo.getQueryParameters().entrySet()) {
            if (!allowed.contains(param.getKey())) {
                throw ApiException.badRequest("unknown query parameter '" + param.getKey() + "'"
                        + (allowed.isEmpty() ? "; this endpoint takes none"
                                : "; this endpoint takes " + String.join(", ", allowed.stream().sorted().toList())));
            }
            if (param.getValue().size() > 1) {
                throw ApiException.badRequest("query parameter '" + param.getKey() + "' is given more than once");
            }
            // JAX-RS hands an empty value to the resource as null, indistinguishable from absent; no parameter of
            // ours may be empty, so say so here.
            if (param.getValue().isEmpty() || param.getValue().get(0).isEmpty()) {
                if (QueryParams.isIdList(param.getKey())) {
                    throw ApiException.badRequest(QueryParams.emptyListMessage(param.getKey()));
                }
                throw ApiException.badRequest("query parameter '" + param.getKey() + "' has an empty value");
            }
        }
    }
}
