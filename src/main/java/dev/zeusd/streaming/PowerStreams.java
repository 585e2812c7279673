package dev.zeusd.streaming;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.api.response.CpuPowerResponse;
import dev.zeusd.api.response.GpuPowerResponse;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.cpu.PowerMw;
import dev.zeusd.service.gpu.GpuService;
import io.smallrye.mutiny.Multi;

/** The GPU and CPU power streams: one demand-driven poller each, rendered per subscriber's device filter. */
@Singleton
public class PowerStreams {
    private final ObjectMapper json;
    private final DemandDrivenPoller<SortedMap<Integer, Long>> gpuPoller;
    private final DemandDrivenPoller<SortedMap<Integer, PowerMw>> cpuPoller;

    @Inject
    public PowerStreams(GpuService gpus, CpuService cpus, ZeusdConfig config, ObjectMapper json) {
        this.json = json;
        this.gpuPoller = new DemandDrivenPoller<>("gpu", () -> gpus.read(gpus.ids(), GpuDevice::powerMw),
                config.gpuPowerPollHz());
        this.cpuPoller = new DemandDrivenPoller<>("cpu", () -> cpus.power(cpus.ids()), config.cpuPowerPollHz());
    }

    /** SSE data for {@code /gpu/stream_power}, restricted to {@code ids}. */
    public Multi<String> gpu(Set<Integer> ids) {
        return gpuPoller.subscribe().map(snapshot -> SseData.of(snapshot.render(ids,
                only -> toJson(new GpuPowerResponse(snapshot.timestampMs(), filter(snapshot.readings(), only,
                        mw -> mw))))));
    }

    /** SSE data for {@code /cpu/stream_power}, restricted to {@code ids}. */
    public Multi<String> cpu(Set<Integer> ids) {
        return cpuPoller.subscribe().map(snapshot -> SseData.of(snapshot.render(ids,
                only -> toJson(new CpuPowerResponse(snapshot.timestampMs(), filter(snapshot.readings(), only,
                        p -> new CpuPowerResponse.PackagePower(p.cpuMw(), p.dramMw())))))));
    }

    public int gpuSubscribers() {
        return gpuPoller.subscriberCount();
    }

    public int cpuSubscribers() {
        return cpuPoller.subscriberCount();
    }

    private static <T, J> Map<String, J> filter(SortedMap<Integer, T> readings, Set<Integer> ids,
            Function<T, J> toJson) {
        Map<String, J> filtered = new LinkedHashMap<>();
        readings.forEach((id, value) -> {
            if (ids.contains(id)) {
                filtered.put(Integer.toString(id), toJson.apply(value));
            }
        });
        return filtered;
    }

    private String toJson(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body, e);
        }
    }

    @PreDestroy
    void close() {
        gpuPoller.close();
        cpuPoller.close();
    }
}
