package dev.zeusd.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The outcome of each readiness check the last time a probe ran it, for {@code zeusd_ready{check}}: alerts see what
 * the kubelet saw, and a scrape never runs the checks (and their device reads) itself.
 */
@Singleton
public class ReadinessRecord {
    private final Map<String, Boolean> latest = new ConcurrentHashMap<>();

    HealthCheckResponse remember(HealthCheckResponse response) {
        latest.put(response.getName(), response.getStatus() == HealthCheckResponse.Status.UP);
        return response;
    }

    /** 1 up, 0 down, NaN before any probe ran the check. */
    double value(String check) {
        Boolean up = latest.get(check);
        return up == null ? Double.NaN : up ? 1 : 0;
    }
}
