package dev.zeusd.api;

import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.api.response.CpuPowerResponse;
import dev.zeusd.api.response.CpuPowerSample;
import dev.zeusd.api.response.DeviceMaps;
import dev.zeusd.api.response.GpuPowerResponse;
import dev.zeusd.api.response.GpuPowerSample;
import dev.zeusd.config.StreamFormat;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.streaming.PowerFeed;
import dev.zeusd.streaming.PowerStreams;
import dev.zeusd.streaming.Sample;
import dev.zeusd.streaming.Snapshot;
import io.smallrye.mutiny.Multi;

/**
 * The SSE bytes of the power streams in the dialect {@code --stream-format} chose: per-device events (zeus ≥ 0.16)
 * or whole snapshots (zeus ≤ 0.15). Each event is rendered once and shared by every subscriber that gets it;
 * the per-device events a subscriber has pending go out together ({@link SseFrames}).
 */
@Singleton
public class PowerEvents {
    private final ObjectMapper json;
    private final PowerStreams streams;
    private final StreamFormat format;

    @Inject
    public PowerEvents(ObjectMapper json, PowerStreams streams, ZeusdConfig config) {
        this.json = json;
        this.streams = streams;
        this.format = config.streamFormat();
    }

    public Multi<String> gpu(Set<Integer> ids) {
        return events(streams.gpu(), ids,
                sample -> new GpuPowerSample(sample.timestampMs(), sample.deviceId(), sample.reading()),
                (snapshot, only) -> new GpuPowerResponse(snapshot.timestampMs(),
                        DeviceMaps.byId(restrict(snapshot.readings(), only), mw -> mw)));
    }

    public Multi<String> cpu(Set<Integer> ids) {
        return events(streams.cpu(), ids,
                sample -> new CpuPowerSample(sample.timestampMs(), sample.deviceId(), sample.reading().cpuMw(),
                        sample.reading().dramMw()),
                (snapshot, only) -> new CpuPowerResponse(snapshot.timestampMs(),
                        DeviceMaps.byId(restrict(snapshot.readings(), only),
                                (PowerMw p) -> new CpuPowerResponse.PackagePower(p.cpuMw(), p.dramMw()))));
    }

    private <R> Multi<String> events(PowerFeed<R> feed, Set<Integer> ids, Function<Sample<R>, Object> sampleBody,
            SnapshotBody<R> snapshotBody) {
        if (format == StreamFormat.DEVICE) {
            return feed.samples(ids).map(batch -> {
                StringBuilder frames = new StringBuilder();
                batch.forEach(sample -> frames.append(sample.render(s -> frame(sampleBody.apply(s)))));
                return frames.toString();
            });
        }
        return feed.snapshots(ids).map(snapshot -> snapshot.render(ids, only -> frame(snapshotBody.of(snapshot, only))));
    }

    private interface SnapshotBody<R> {
        Object of(Snapshot<R> snapshot, Set<Integer> ids);
    }

    private static <R> SortedMap<Integer, R> restrict(SortedMap<Integer, R> readings, Set<Integer> ids) {
        SortedMap<Integer, R> only = new TreeMap<>(readings);
        only.keySet().retainAll(ids);
        return only;
    }

    private String frame(Object body) {
        try {
            return SseFrames.frame(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body, e);
        }
    }
}
