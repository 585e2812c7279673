package dev.zeusd.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code zeusd discover}: the devices and API groups the daemon serves. */
@Command(name = "discover", description = "List the GPUs, CPU packages and API groups the daemon serves",
        mixinStandardHelpOptions = true)
public class DiscoverCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        JsonNode body = client.call("GET", "/discover");
        return client.print(body, () -> {
            Table gpus = new Table("GPU", "NAME", "PCI ADDRESS", "ENERGY COUNTER");
            body.get("gpus").forEach(gpu -> gpus.row(gpu.get("id").asInt(), gpu.get("name").asText(),
                    gpu.get("pci_address").asText(), gpu.get("cumulative_energy_available").asBoolean() ? "yes" : "no"));
            gpus.print(client.out());
            client.out().println();
            Table cpus = new Table("CPU", "DRAM");
            body.get("cpus").forEach(cpu -> cpus.row(cpu.get("id").asInt(), cpu.get("dram_available").asBoolean()
                    ? "yes" : "no"));
            cpus.print(client.out());
            client.out().println();
            client.out().println("API groups: " + WhoamiCommand.join(body.get("enabled_api_groups"))
                    + (body.get("auth_required").asBoolean() ? " (tokens required)" : ""));
        });
    }
}
