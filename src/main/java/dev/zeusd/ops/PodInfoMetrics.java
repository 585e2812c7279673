package dev.zeusd.ops;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.attribution.ContainerRef;
import dev.zeusd.attribution.GpuAssignments;
import dev.zeusd.attribution.PodAttribution;
import dev.zeusd.service.gpu.GpuService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;

/**
 * {@code zeusd_gpu_pod_info{gpu, uuid, namespace, pod, container} 1} per GPU and container it is assigned to, as the
 * last kubelet list says: the series to join with {@code zeusd_gpu_power_watts} (on {@code node, gpu}, or on
 * {@code uuid} for NVIDIA). Rewritten when a list arrives, never on a scrape. Registered only with pod attribution
 * on, and capped: a node does not hold a thousand GPU containers, so more than that is a runaway, dropped and counted.
 */
@Startup
@Singleton
public class PodInfoMetrics {
    static final int MAX_SERIES = 1000;

    @Inject
    public PodInfoMetrics(MeterRegistry registry, PodAttribution attribution, GpuService gpus) {
        if (!attribution.enabled()) {
            return;
        }
        MultiGauge info = MultiGauge.builder("zeusd.gpu.pod.info")
                .description("1 for each GPU and the container it is assigned to (kubelet pod resources); a shared "
                        + "GPU has one per container")
                .register(registry);
        Counter dropped = Counter.builder("zeusd.pod.attribution.dropped")
                .description("zeusd_gpu_pod_info series left out because there were more than " + MAX_SERIES)
                .register(registry);
        Gauge.builder("zeusd.pod.attribution.up", attribution, a -> a.listedLast() ? 1 : 0)
                .description("1 if the last list of the kubelet's pod resources succeeded").register(registry);
        Map<Integer, Tags> deviceTags = new HashMap<>();
        gpus.identities().forEach((id, identity) -> deviceTags.put(id,
                Tags.of("gpu", Integer.toString(id), "uuid", identity.uuid())));
        attribution.onChange(assignments -> {
            Rows rows = rows(assignments, deviceTags);
            info.register(rows.rows(), true);
            if (rows.over() > 0) {
                dropped.increment(rows.over());
            }
        });
    }

    /** The series of one list, at most {@link #MAX_SERIES}; {@code over} counts the ones left out. */
    record Rows(List<MultiGauge.Row<?>> rows, int over) {
    }

    static Rows rows(GpuAssignments assignments, Map<Integer, Tags> deviceTags) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        int over = 0;
        for (var gpu : assignments.byGpu().entrySet()) {
            for (ContainerRef container : gpu.getValue()) {
                if (rows.size() == MAX_SERIES) {
                    over++;
                    continue;
                }
                rows.add(MultiGauge.Row.of(deviceTags.get(gpu.getKey()).and("namespace", container.namespace(), "pod",
                        container.pod(), "container", container.container()), 1));
            }
        }
        return new Rows(rows, over);
    }
}
