package dev.zeusd.testsupport;

import java.net.MalformedURLException;
import java.net.URL;

import io.quarkus.arc.Arc;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;

/**
 * URLs on the management interface in tests (bound to 127.0.0.1, where "localhost" may resolve to ::1). The test
 * port is 0, so the port is the one Vert.x actually bound.
 */
public final class Management {
    private Management() {
    }

    public static URL url(String path) {
        ValueRegistry values = Arc.container().instance(ValueRegistry.class).get();
        int port = values.getOrDefault(HttpServer.MANAGEMENT_PORT, -1);
        try {
            return new URL("http://127.0.0.1:" + port + path);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
