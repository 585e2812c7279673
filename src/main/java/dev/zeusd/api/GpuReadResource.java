package dev.zeusd.api;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import dev.zeusd.api.response.DeviceMaps;
import dev.zeusd.api.response.GpuPowerResponse;
import dev.zeusd.api.response.GpuValues;
import dev.zeusd.attribution.ContainerRef;
import dev.zeusd.attribution.PodAttribution;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.service.gpu.GpuService;

/** One-shot GPU reads ({@code gpu-read}). */
@Path("/gpu")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ApiGroup.Names.GPU_READ)
public class GpuReadResource {
    static final String GPU_IDS = "gpu_ids";

    private final GpuService gpus;
    private final PowerEvents streams;
    private final RequestCaller caller;
    private final PodAttribution pods;

    @Inject
    public GpuReadResource(GpuService gpus, PowerEvents streams, RequestCaller caller, PodAttribution pods) {
        this.gpus = gpus;
        this.streams = streams;
        this.caller = caller;
        this.pods = pods;
    }

    /** Server-Sent Events in the {@code --stream-format} dialect; bad ids are a 400 before any stream starts. */
    @GET
    @Path("stream_power")
    @Produces(SseFrames.DECLARED_TYPE)
    public RestMulti<String> streamPower(@QueryParam(GPU_IDS) String gpuIds) {
        var ids = caller.gpus(gpuIds, QueryParams.deviceIdsToStream(GPU_IDS, gpuIds, gpus.ids()));
        return SseFrames.response(streams.gpu(ids));
    }

    @GET
    @Path("get_power")
    public CompletionStage<GpuPowerResponse> getPower(@QueryParam(GPU_IDS) String gpuIds) {
        return gpus.power(ids(gpuIds))
                .thenApply(power -> new GpuPowerResponse(System.currentTimeMillis(), DeviceMaps.byId(power, mw -> mw)));
    }

    @GET
    @Path("get_cumulative_energy")
    public CompletionStage<Map<String, GpuValues.Energy>> getCumulativeEnergy(@QueryParam(GPU_IDS) String gpuIds) {
        return byId(gpus.energy(ids(gpuIds)), GpuValues.Energy::new);
    }

    @GET
    @Path("get_power_limit")
    public CompletionStage<Map<String, GpuValues.PowerLimit>> getPowerLimit(@QueryParam(GPU_IDS) String gpuIds) {
        return byId(gpus.powerLimit(ids(gpuIds)), GpuValues.PowerLimit::new);
    }

    @GET
    @Path("get_power_limit_constraints")
    public CompletionStage<Map<String, GpuValues.PowerLimitConstraints>> getPowerLimitConstraints(
            @QueryParam(GPU_IDS) String gpuIds) {
        return byId(gpus.constraints(ids(gpuIds)),
                c -> new GpuValues.PowerLimitConstraints(c.minPowerLimitMw(), c.maxPowerLimitMw()));
    }

    @GET
    @Path("get_persistence_mode")
    public CompletionStage<Map<String, GpuValues.PersistenceMode>> getPersistenceMode(
            @QueryParam(GPU_IDS) String gpuIds) {
        return byId(gpus.persistenceMode(ids(gpuIds)), GpuValues.PersistenceMode::new);
    }

    /**
     * The containers each GPU is assigned to, from the last kubelet list (no device call, no kubelet call): every
     * GPU asked for is a key, with an empty list when nobody has it.
     */
    @GET
    @Path("get_pods")
    public Map<String, List<ContainerRef>> getPods(@QueryParam(GPU_IDS) String gpuIds) {
        SortedSet<Integer> ids = ids(gpuIds);
        if (!pods.enabled()) {
            throw ApiException.badRequest("pod attribution is off; start zeusd with --kubelet-pod-resources-socket "
                    + "(the Helm chart: podAttribution.enabled=true)");
        }
        var assigned = pods.current().byGpu(); // every GPU id is a key
        SortedMap<Integer, SortedSet<ContainerRef>> byId = new TreeMap<>();
        ids.forEach(id -> byId.put(id, assigned.get(id)));
        return DeviceMaps.byId(byId, List::copyOf);
    }

    private static <T, J> CompletionStage<Map<String, J>> byId(CompletionStage<SortedMap<Integer, T>> values,
            Function<T, J> toJson) {
        return values.thenApply(byId -> DeviceMaps.byId(byId, toJson));
    }

    private SortedSet<Integer> ids(String gpuIds) {
        return caller.gpus(gpuIds, QueryParams.deviceIdsToRead(GPU_IDS, gpuIds, gpus.ids()));
    }
}
