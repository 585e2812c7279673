package dev.zeusd.api;

import java.util.concurrent.CompletionStage;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.zeusd.service.gpu.GpuCommand;
import dev.zeusd.service.gpu.GpuService;

/** GPU settings ({@code gpu-control}). Success is 200 with an empty body, as in the original. */
@Path("/gpu")
@Produces(MediaType.APPLICATION_JSON)
public class GpuControlResource {
    private static final String GPU_IDS = GpuReadResource.GPU_IDS;
    private static final String BLOCK = "block";
    private static final String MIN_CLOCK = "min_clock_mhz";
    private static final String MAX_CLOCK = "max_clock_mhz";

    private final GpuService gpus;

    @Inject
    public GpuControlResource(GpuService gpus) {
        this.gpus = gpus;
    }

    @POST
    @Path("set_power_limit")
    public CompletionStage<Response> setPowerLimit(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam("power_limit_mw") String powerLimitMw, @QueryParam(BLOCK) String block) {
        return run(request, gpuIds, block, new GpuCommand.SetPowerLimit(QueryParams.requireUnsigned32("power_limit_mw",
                powerLimitMw)));
    }

    @POST
    @Path("set_persistence_mode")
    public CompletionStage<Response> setPersistenceMode(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam("enabled") String enabled, @QueryParam(BLOCK) String block) {
        return run(request, gpuIds, block, new GpuCommand.SetPersistenceMode(QueryParams.requireBool("enabled", enabled)));
    }

    @POST
    @Path("set_gpu_locked_clocks")
    public CompletionStage<Response> setGpuLockedClocks(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(MIN_CLOCK) String minClockMhz, @QueryParam(MAX_CLOCK) String maxClockMhz,
            @QueryParam(BLOCK) String block) {
        long[] range = clockRange(minClockMhz, maxClockMhz);
        return run(request, gpuIds, block, new GpuCommand.SetGpuLockedClocks(range[0], range[1]));
    }

    @POST
    @Path("reset_gpu_locked_clocks")
    public CompletionStage<Response> resetGpuLockedClocks(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block) {
        return run(request, gpuIds, block, new GpuCommand.ResetGpuLockedClocks());
    }

    @POST
    @Path("set_mem_locked_clocks")
    public CompletionStage<Response> setMemLockedClocks(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(MIN_CLOCK) String minClockMhz, @QueryParam(MAX_CLOCK) String maxClockMhz,
            @QueryParam(BLOCK) String block) {
        long[] range = clockRange(minClockMhz, maxClockMhz);
        return run(request, gpuIds, block, new GpuCommand.SetMemLockedClocks(range[0], range[1]));
    }

    @POST
    @Path("reset_mem_locked_clocks")
    public CompletionStage<Response> resetMemLockedClocks(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block) {
        return run(request, gpuIds, block, new GpuCommand.ResetMemLockedClocks());
    }

    @POST
    @Path("reset_locked_clocks")
    public CompletionStage<Response> resetLockedClocks(@Context ContainerRequestContext request, @QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block) {
        return run(request, gpuIds, block, new GpuCommand.ResetLockedClocks());
    }

    private static long[] clockRange(String minClockMhz, String maxClockMhz) {
        long min = QueryParams.requireUnsigned32(MIN_CLOCK, minClockMhz);
        long max = QueryParams.requireUnsigned32(MAX_CLOCK, maxClockMhz);
        if (min > max) {
            throw ApiException.badRequest(MIN_CLOCK + " (" + min + ") must not exceed " + MAX_CLOCK + " (" + max + ")");
        }
        return new long[] { min, max };
    }

    private CompletionStage<Response> run(ContainerRequestContext request, String gpuIds, String block,
            GpuCommand command) {
        var ids = DeviceIds.forWrite(GPU_IDS, gpuIds, gpus.ids());
        boolean wait = QueryParams.requireBool(BLOCK, block);
        String caller = (String) request.getProperty(AccessGate.CALLER_IDENTITY);
        return gpus.control(ids, command, wait, caller).thenApply(done -> Response.ok().build());
    }
}
