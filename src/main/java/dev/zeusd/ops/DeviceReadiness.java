package dev.zeusd.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.zeusd.service.DeviceWorkers;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuService;
import io.quarkus.runtime.StartupEvent;

/**
 * Ready once the devices are initialised and the daemon has started, and only while every device answers a cheap
 * read through its own worker within {@link #DEVICE_TIMEOUT} (a hung driver or a vanished RAPL file turns it down).
 * All devices are read at once, and the reason names each one that failed or did not answer.
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
        Map<String, CompletableFuture<?>> reads = new LinkedHashMap<>();
        gpus.powerLimitProbe(gpus.ids()).forEach((id, read) -> reads.put("GPU " + id, read));
        cpus.cumulativeEnergyEach(cpus.ids()).forEach((id, read) -> reads.put("CPU " + id, read));
        try {
            CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
                    .get(DEVICE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // named below, device by device
        }
        List<String> problems = new ArrayList<>();
        reads.forEach((device, read) -> {
            if (!read.isDone()) {
                problems.add(device + " did not answer within " + DEVICE_TIMEOUT.toSeconds() + " s");
            } else if (read.isCompletedExceptionally()) {
                problems.add(read.handle((ok, error) -> DeviceWorkers.asDeviceException(-1, error).getMessage()).join());
            }
        });
        return problems.isEmpty() ? response.up().build()
                : response.down().withData("reason", String.join("; ", problems)).build();
    }
}
