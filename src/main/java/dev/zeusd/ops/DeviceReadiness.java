package dev.zeusd.ops;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.zeusd.service.DeviceFailures;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuService;
import io.quarkus.runtime.StartupEvent;

/**
 * Ready once the devices are initialised and the daemon has started, and only while every device answers a cheap
 * read through its own worker within {@link #DEVICE_TIMEOUT} (a hung driver or a vanished RAPL file turns it down).
 */
@Readiness
@Singleton
public class DeviceReadiness implements HealthCheck {
    static final Duration DEVICE_TIMEOUT = Duration.ofSeconds(2);

    private final ReadinessRecord record;
    private final GpuService gpus;
    private final CpuService cpus;
    private volatile boolean started;

    @Inject
    public DeviceReadiness(GpuService gpus, CpuService cpus, ReadinessRecord record) {
        this.record = record;
        this.gpus = gpus;
        this.cpus = cpus;
    }

    void onStart(@Observes StartupEvent event) {
        started = true;
    }

    @Override
    public HealthCheckResponse call() {
        return record.remember(check());
    }

    private HealthCheckResponse check() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("devices")
                .withData("gpus", gpus.ids().size()).withData("cpu_packages", cpus.ids().size());
        if (!started) {
            return response.down().withData("reason", "starting").build();
        }
        try {
            gpus.powerLimitProbe(gpus.ids()).toCompletableFuture()
                    .get(DEVICE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            cpus.cumulativeEnergy(cpus.ids()).toCompletableFuture()
                    .get(DEVICE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return response.up().build();
        } catch (Exception e) {
            return response.down().withData("reason", reason(e)).build();
        }
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof DeviceFailures failures) {
            return failures.failures().values().stream().map(Throwable::getMessage).collect(Collectors.joining("; "));
        }
        if (e instanceof TimeoutException) {
            return "a device did not answer within " + DEVICE_TIMEOUT.toSeconds() + " s";
        }
        return String.valueOf(cause.getMessage());
    }
}
