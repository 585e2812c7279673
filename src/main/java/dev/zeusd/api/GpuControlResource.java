package dev.zeusd.api;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.zeusd.config.ApiGroup;
import dev.zeusd.service.gpu.GpuControl;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.command.GpuCommand.Operation;
import dev.zeusd.service.gpu.restore.Owners.ClientProcess;

/**
 * GPU settings ({@code gpu-control}). Success is 200 with an empty body, as in the original. The role is on the
 * class, so every {@code set_*} / {@code reset_*} endpoint added here needs gpu-control. Each endpoint is one
 * {@link Operation} and takes exactly its query parameters ({@code GpuControlEndpointsTest}).
 */
@Path("/gpu")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(ApiGroup.Names.GPU_CONTROL)
public class GpuControlResource {
    private static final String GPU_IDS = GpuReadResource.GPU_IDS;
    private static final String BLOCK = "block";
    /** Ours, optional: the process whose exit puts the settings back (with --restore-on-client-exit). */
    static final String OWNER_PID = "owner_pid";
    private static final String MIN_CLOCK = GpuCommand.Clocks.MIN;
    private static final String MAX_CLOCK = GpuCommand.Clocks.MAX;

    private final GpuControl control;
    private final RequestCaller caller;

    @Inject
    public GpuControlResource(GpuControl control, RequestCaller caller) {
        this.control = control;
        this.caller = caller;
    }

    @POST
    @Path("set_power_limit")
    public CompletionStage<Response> setPowerLimit(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam("power_limit_mw") String powerLimitMw, @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        return run(gpuIds, block, ownerPid, new GpuCommand.SetPowerLimit(QueryParams.requireUnsigned32("power_limit_mw",
                powerLimitMw)));
    }

    @POST
    @Path("set_persistence_mode")
    public CompletionStage<Response> setPersistenceMode(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam("enabled") String enabled, @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        return run(gpuIds, block, ownerPid, new GpuCommand.SetPersistenceMode(QueryParams.requireBool("enabled", enabled)));
    }

    @POST
    @Path("set_gpu_locked_clocks")
    public CompletionStage<Response> setGpuLockedClocks(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(MIN_CLOCK) String minClockMhz, @QueryParam(MAX_CLOCK) String maxClockMhz,
            @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        long[] range = clockRange(minClockMhz, maxClockMhz);
        return run(gpuIds, block, ownerPid, new GpuCommand.SetGpuLockedClocks(range[0], range[1]));
    }

    @POST
    @Path("reset_gpu_locked_clocks")
    public CompletionStage<Response> resetGpuLockedClocks(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        return run(gpuIds, block, ownerPid, new GpuCommand.ResetGpuLockedClocks());
    }

    @POST
    @Path("set_mem_locked_clocks")
    public CompletionStage<Response> setMemLockedClocks(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(MIN_CLOCK) String minClockMhz, @QueryParam(MAX_CLOCK) String maxClockMhz,
            @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        long[] range = clockRange(minClockMhz, maxClockMhz);
        return run(gpuIds, block, ownerPid, new GpuCommand.SetMemLockedClocks(range[0], range[1]));
    }

    @POST
    @Path("reset_mem_locked_clocks")
    public CompletionStage<Response> resetMemLockedClocks(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        return run(gpuIds, block, ownerPid, new GpuCommand.ResetMemLockedClocks());
    }

    @POST
    @Path("reset_locked_clocks")
    public CompletionStage<Response> resetLockedClocks(@QueryParam(GPU_IDS) String gpuIds,
            @QueryParam(BLOCK) String block,
            @QueryParam(OWNER_PID) String ownerPid) {
        return run(gpuIds, block, ownerPid, new GpuCommand.ResetLockedClocks());
    }

    private static long[] clockRange(String minClockMhz, String maxClockMhz) {
        long min = QueryParams.requireUnsigned32(MIN_CLOCK, minClockMhz);
        long max = QueryParams.requireUnsigned32(MAX_CLOCK, maxClockMhz);
        if (min > max) {
            throw ApiException.badRequest(MIN_CLOCK + " (" + min + ") must not exceed " + MAX_CLOCK + " (" + max + ")");
        }
        return new long[] { min, max };
    }

    private CompletionStage<Response> run(String gpuIds, String block, String ownerPid, GpuCommand command) {
        var ids = caller.gpus(gpuIds, QueryParams.deviceIdsToWrite(GPU_IDS, gpuIds, control.ids()));
        boolean wait = QueryParams.requireBool(BLOCK, block);
        return control.run(ids, command, wait, caller.auditName(), owner(ownerPid))
                .thenApply(done -> Response.ok().build());
    }

    /** Who owns what the call changes: the process named by {@code owner_pid}, else the calling process. */
    private Optional<ClientProcess> owner(String ownerPid) {
        if (ownerPid == null) {
            return control.restoresOnClientExit() ? caller.clientProcess() : Optional.empty();
        }
        long pid = QueryParams.requireUnsigned32(OWNER_PID, ownerPid);
        if (!control.restoresOnClientExit()) {
            throw ApiException.badRequest("owner_pid needs a daemon started with --restore-on-client-exit: "
                    + "without it nothing would be put back when process " + pid + " exits");
        }
        return Optional.of(caller.ownerNamedByCaller(pid));
    }
}
