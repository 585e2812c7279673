package dev.zeusd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.zeusd.attribution.ContainerRef;
import dev.zeusd.attribution.GpuAssignments;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class PodInfoMetricsTest {
    private static final Map<Integer, Tags> DEVICES = Map.of(0, Tags.of("gpu", "0", "uuid", "GPU-a"), 1,
            Tags.of("gpu", "1", "uuid", "GPU-b"));

    private static GpuAssignments assignments(int containersOnGpu0, int containersOnGpu1) {
        SortedMap<Integer, SortedSet<ContainerRef>> byGpu = new TreeMap<>();
        byGpu.put(0, containers("a", containersOnGpu0));
        byGpu.put(1, containers("b", containersOnGpu1));
        return new GpuAssignments(byGpu, Collections.emptySet());
    }

    private static SortedSet<ContainerRef> containers(String pod, int count) {
        SortedSet<ContainerRef> refs = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            refs.add(new ContainerRef("ns", pod + i, "main"));
        }
        return refs;
    }

    @Test
    void oneSeriesPerGpuAndContainerWithTheGpusTags() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MultiGauge info = MultiGauge.builder("zeusd.gpu.pod.info").register(registry);
        PodInfoMetrics.Rows rows = PodInfoMetrics.rows(assignments(2, 1), DEVICES);
        info.register(rows.rows(), true);
        assertEquals(0, rows.over());
        assertEquals(3, registry.find("zeusd.gpu.pod.info").gauges().size());
        assertEquals(1.0, registry.get("zeusd.gpu.pod.info").tags("gpu", "1", "uuid", "GPU-b", "namespace", "ns",
                "pod", "b0", "container", "main").gauge().value());
    }

    @Test
    void moreThanTheCapAreLeftOutAndCounted() {
        PodInfoMetrics.Rows rows = PodInfoMetrics.rows(assignments(PodInfoMetrics.MAX_SERIES - 5, 12), DEVICES);
        assertEquals(PodInfoMetrics.MAX_SERIES, rows.rows().size());
        assertEquals(7, rows.over());
    }
}
