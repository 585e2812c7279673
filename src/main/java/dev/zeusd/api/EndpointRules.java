package dev.zeusd.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;

import jakarta.ws.rs.QueryParam;

import dev.zeusd.config.ApiGroup;

/** What the request gate checks for one endpoint: its API group (null: always on) and its query parameters. */
record EndpointRules(ApiGroup group, Set<String> queryParams) {

    static EndpointRules of(Class<?> resourceClass, Method method) {
        RequiresGroup requires = resourceClass.getAnnotation(RequiresGroup.class);
        Set<String> names = new HashSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof QueryParam queryParam) {
                    names.add(queryParam.value());
                }
            }
        }
        return new EndpointRules(requires == null ? null : requires.value(), Set.copyOf(names));
    }
}
