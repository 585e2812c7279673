package dev.zeusd.api;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.zeusd.api.response.DiscoverResponse;
import dev.zeusd.api.response.TimeResponse;
import dev.zeusd.auth.Authenticator;
import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuService;

/** The endpoints that are always there and never need a token. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ServerResource {
    private final DiscoverResponse discover;

    @Inject
    public ServerResource(ZeusdConfig config, GpuService gpus, CpuService cpus, Authenticator authenticator) {
        Set<ApiGroup> enabled = config.enabledGroups();
        List<Integer> cpuIds = List.copyOf(cpus.ids());
        List<DiscoverResponse.Gpu> gpuList = gpus.identities().entrySet().stream()
                .map(e -> new DiscoverResponse.Gpu(e.getKey(), e.getValue().name(), e.getValue().pciAddress(),
                        e.getValue().cumulativeEnergyAvailable()))
                .toList();
        this.discover = new DiscoverResponse(
                gpuList,
                cpuIds.stream().map(id -> new DiscoverResponse.Cpu(id, cpus.hasDram(id))).toList(),
                List.copyOf(gpus.ids()),
                cpuIds,
                cpuIds.stream().map(cpus::hasDram).toList(),
                Arrays.stream(ApiGroup.values()).filter(enabled::contains).map(ApiGroup::wireName).toList(),
                authenticator.enabled());
    }

    @GET
    @Path("discover")
    public DiscoverResponse discover() {
        return discover;
    }

    @GET
    @Path("time")
    public TimeResponse time() {
        return new TimeResponse(System.currentTimeMillis());
    }
}
