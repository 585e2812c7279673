package dev.zeusd.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Path;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Micrometer's HTTP server metrics label every request with its method and path, both chosen by the client: each new
 * value is a new series, kept for the life of the process: a client could grow the registry without bound. This filter
 * maps both onto the values the API serves ({@code OTHER} / {@code UNKNOWN} for the rest) before a meter is looked up,
 * so a request with a made-up method or path reuses an existing series (Micrometer caches only ids that created a new
 * meter).
 */
public class HttpMetricLabels {
    static final String OTHER_METHOD = "OTHER";
    static final String UNKNOWN_URI = "UNKNOWN";
    public static final Set<String> METHODS = Set.of("GET", "POST", "HEAD");
    /** Labels Quarkus itself uses for unmatched requests. */
    private static final Set<String> QUARKUS_URIS = Set.of("NOT_FOUND", "REDIRECTION", "root");
    private static final List<Class<?>> RESOURCES = List.of(ServerResource.class, GpuReadResource.class,
            GpuControlResource.class, CpuReadResource.class, AuthResource.class);

    @Produces
    @Singleton
    public MeterFilter boundedHttpLabels() {
        Set<String> routes = routes();
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server")) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    tags.add(switch (tag.getKey()) {
                        case "method" -> METHODS.contains(tag.getValue()) ? tag : Tag.of("method", OTHER_METHOD);
                        case "uri" -> routes.contains(tag.getValue()) || QUARKUS_URIS.contains(tag.getValue()) ? tag
                                : Tag.of("uri", UNKNOWN_URI);
                        default -> tag;
                    });
                }
                return id.replaceTags(tags);
            }
        };
    }

    /** Every path a resource serves, from its JAX-RS annotations, so a new endpoint is labelled without a list here. */
    static Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = "/" + strip(resource.getAnnotation(Path.class).value());
            for (var method : resource.getDeclaredMethods()) {
                Path path = method.getAnnotation(Path.class);
                if (path != null) {
                    routes.add((base.endsWith("/") ? base : base + "/") + strip(path.value()));
                }
            }
        }
        return routes;
    }

    private static String strip(String path) {
        return path.replaceAll("^/+|/+$", "");
    }
}
