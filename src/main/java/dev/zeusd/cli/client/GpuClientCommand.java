package dev.zeusd.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code zeusd gpu ...}: GPU readings and settings through a running daemon, as an unprivileged client. */
@Command(name = "gpu", description = "Read or change GPU power and clocks through the running daemon",
        mixinStandardHelpOptions = true, sortOptions = false)
public class GpuClientCommand {
    @Mixin
    ClientOptions client;

    @Option(names = "--gpus", split = ",", paramLabel = "<ID>", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "GPU ids, comma-separated (default: every GPU the token may use)")
    List<Integer> gpus;

    @Option(names = "--until-exit", arity = "0..1", fallbackValue = "-1", paramLabel = "PID",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "For a change: put it back when process PID exits (default: the shell that runs this "
                    + "command); needs a daemon with --restore-on-client-exit, over its Unix socket")
    Long untilExit;

    @Command(name = "power", description = "Instant power draw")
    int power() {
        return read("/gpu/get_power", body -> table("POWER (W)", body.get("power_mw"), JsonNode::asLong));
    }

    @Command(name = "energy", description = "Energy since the driver was loaded")
    int energy() {
        return read("/gpu/get_cumulative_energy", body -> table("ENERGY (J)", body, v -> v.get("energy_mj").asLong()));
    }

    @Command(name = "limit", description = "Power limit")
    int limit() {
        return read("/gpu/get_power_limit", body -> table("LIMIT (W)", body, v -> v.get("power_limit_mw").asLong()));
    }

    @Command(name = "persistence", description = "Persistence mode; with on or off, set it")
    int persistence(@Parameters(arity = "0..1", paramLabel = "on|off") String mode) {
        if (mode == null) {
            return read("/gpu/get_persistence_mode", body -> {
                Table table = new Table("GPU", "PERSISTENCE");
                body.fields().forEachRemaining(e -> table.row(e.getKey(), e.getValue().get("enabled").asBoolean()
                        ? "on" : "off"));
                table.print(client.out());
            });
        }
        if (!mode.equals("on") && !mode.equals("off")) {
            throw new picocli.CommandLine.ParameterException(client.spec.commandLine(),
                    "persistence takes on or off, got '" + mode + "'");
        }
        return write("set_persistence_mode", "enabled=" + mode.equals("on"), "persistence mode " + mode);
    }

    @Command(name = "set-power-limit", description = "Set the power limit, e.g. 250W or 250000mW")
    int setPowerLimit(@Parameters(paramLabel = "<LIMIT>", converter = PowerArgument.class) long milliwatts) {
        return write("set_power_limit", "power_limit_mw=" + milliwatts, "power limit " + Table.milli(milliwatts) + " W");
    }

    @Command(name = "reset-power-limit",
            description = "Set the power limit back to the highest the GPU allows (NVML's default on datacenter GPUs)")
    int resetPowerLimit() {
        JsonNode constraints = client.call("GET", "/gpu/get_power_limit_constraints" + query());
        for (Map.Entry<String, JsonNode> gpu : fields(constraints)) {
            long max = gpu.getValue().get("max_power_limit_mw").asLong();
            client.call("POST", "/gpu/set_power_limit?gpu_ids=" + gpu.getKey() + "&power_limit_mw=" + max
                    + "&block=true" + owner());
            report("GPU " + gpu.getKey() + ": power limit " + Table.milli(max) + " W");
        }
        return 0;
    }

    @Command(name = "lock-clocks", description = "Lock the GPU (or, with --memory, memory) clocks to MIN:MAX MHz")
    int lockClocks(@Parameters(paramLabel = "<MIN:MAX>", converter = ClockRangeArgument.class)
            ClockRangeArgument.Range range,
            @Option(names = "--memory", description = "Lock the memory clocks instead") boolean memory) {
        String operation = memory ? "set_mem_locked_clocks" : "set_gpu_locked_clocks";
        return write(operation, "min_clock_mhz=" + range.min() + "&max_clock_mhz=" + range.max(),
                (memory ? "memory" : "GPU") + " clocks locked to " + range.min() + "-" + range.max() + " MHz");
    }

    @Command(name = "reset-clocks", description = "Unlock every clock domain")
    int resetClocks() {
        return write("reset_locked_clocks", "", "clocks unlocked");
    }

    private interface Render {
        void print(JsonNode body);
    }

    private int read(String path, Render render) {
        JsonNode body = client.call("GET", path + query());
        return client.print(body, () -> render.print(body));
    }

    /** A control call on the named GPUs (every GPU when none are named), waiting for it to finish. */
    private int write(String operation, String parameters, String done) {
        List<Integer> ids = gpus != null ? gpus : allGpus();
        String query = "?gpu_ids=" + ids.stream().map(String::valueOf).collect(Collectors.joining(","))
                + (parameters.isEmpty() ? "" : "&" + parameters) + "&block=true" + owner();
        client.call("POST", "/gpu/" + operation + query);
        ids.forEach(id -> report("GPU " + id + ": " + done));
        return 0;
    }

    /** {@code &owner_pid=N} with --until-exit: N, or the shell that started this command. */
    private String owner() {
        if (untilExit == null) {
            return "";
        }
        long pid = untilExit >= 0 ? untilExit
                : ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow(() -> client.fail(
                        ClientOptions.EXIT_REFUSED, "--until-exit: this command has no parent process to wait for"));
        return "&owner_pid=" + pid;
    }

    private void report(String line) {
        if (!client.json()) {
            client.out().println(line);
            client.out().flush();
        }
    }

    /** The GPUs this client may use: the token's, where it names some; else every GPU of the daemon. */
    private List<Integer> allGpus() {
        JsonNode discover = client.call("GET", "/discover");
        JsonNode ids = discover.get("gpu_ids");
        if (discover.path("auth_required").asBoolean()) {
            JsonNode limits = client.call("GET", "/auth/whoami").get("gpu_ids");
            ids = limits != null ? limits : ids;
        }
        List<Integer> list = new ArrayList<>();
        ids.forEach(id -> list.add(id.asInt()));
        return list;
    }

    private String query() {
        return gpus == null ? "" : "?gpu_ids=" + gpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private void table(String column, JsonNode byId, java.util.function.ToLongFunction<JsonNode> milli) {
        Table table = new Table("GPU", column);
        for (Map.Entry<String, JsonNode> gpu : fields(byId)) {
            table.row(gpu.getKey(), Table.milli(milli.applyAsLong(gpu.getValue())));
        }
        table.print(client.out());
    }

    static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        return fields;
    }
}
