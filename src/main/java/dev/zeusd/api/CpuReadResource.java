package dev.zeusd.api;

import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import dev.zeusd.api.response.CpuEnergyResponse;
import dev.zeusd.api.response.CpuPowerResponse;
import dev.zeusd.api.response.DeviceMaps;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.cpu.CpuService;

/** CPU and DRAM energy and power from RAPL ({@code cpu-read}). */
@Path("/cpu")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ApiGroup.Names.CPU_READ)
public class CpuReadResource {
    static final String CPU_IDS = "cpu_ids";

    private final CpuService cpus;
    private final PowerEvents streams;
    private final RequestCaller caller;

    @Inject
    public CpuReadResource(CpuService cpus, PowerEvents streams, RequestCaller caller) {
        this.cpus = cpus;
        this.streams = streams;
        this.caller = caller;
    }

    /** Server-Sent Events in the {@code --stream-format} dialect; bad ids are a 400 before any stream starts. */
    @GET
    @Path("stream_power")
    @Produces(SseFrames.DECLARED_TYPE)
    public RestMulti<String> streamPower(@QueryParam(CPU_IDS) String cpuIds) {
        var ids = caller.cpus(cpuIds, QueryParams.deviceIdsToStream(CPU_IDS, cpuIds, cpus.ids()));
        return SseFrames.response(streams.cpu(ids));
    }

    @GET
    @Path("get_cumulative_energy")
    public CompletionStage<Map<String, CpuEnergyResponse>> getCumulativeEnergy(@QueryParam(CPU_IDS) String cpuIds,
            @QueryParam("cpu") String cpu, @QueryParam("dram") String dram) {
        SortedSet<Integer> ids = ids(cpuIds);
        boolean wantCpu = QueryParams.requireBool("cpu", cpu);
        boolean wantDram = QueryParams.requireBool("dram", dram);
        return cpus.cumulativeEnergy(ids).thenApply(samples -> DeviceMaps.byId(samples,
                s -> new CpuEnergyResponse(wantCpu ? s.packageUj() : null, wantDram ? s.dramUj() : null)));
    }

    @GET
    @Path("get_power")
    public CompletionStage<CpuPowerResponse> getPower(@QueryParam(CPU_IDS) String cpuIds) {
        return cpus.power(ids(cpuIds)).thenApply(power -> new CpuPowerResponse(System.currentTimeMillis(),
                DeviceMaps.byId(power, CpuReadResource::toJson)));
    }

    static CpuPowerResponse.PackagePower toJson(PowerMw power) {
        return new CpuPowerResponse.PackagePower(power.cpuMw(), power.dramMw());
    }

    private SortedSet<Integer> ids(String cpuIds) {
        return caller.cpus(cpuIds, QueryParams.deviceIdsToRead(CPU_IDS, cpuIds, cpus.ids()));
    }
}
