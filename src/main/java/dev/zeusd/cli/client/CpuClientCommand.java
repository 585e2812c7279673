package dev.zeusd.cli.client;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zeusd cpu ...}: RAPL package and DRAM readings through a running daemon. */
@Command(name = "cpu", description = "Read CPU package and DRAM power and energy through the running daemon",
        mixinStandardHelpOptions = true, sortOptions = false)
public class CpuClientCommand {
    @Mixin
    ClientOptions client;

    @Option(names = "--cpus", split = ",", paramLabel = "<ID>", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "CPU package ids, comma-separated (default: every package)")
    List<Integer> cpus;

    @Command(name = "power", description = "Package and DRAM power")
    int power() {
        JsonNode body = client.call("GET", "/cpu/get_power" + query('?'));
        return client.print(body, () -> {
            Table table = new Table("CPU", "PACKAGE (W)", "DRAM (W)");
            for (Map.Entry<String, JsonNode> cpu : GpuClientCommand.fields(body.get("power_mw"))) {
                table.row(cpu.getKey(), Table.milli(cpu.getValue().get("cpu_mw").asLong()),
                        optional(cpu.getValue().get("dram_mw"), 3));
            }
            table.print(client.out());
        });
    }

    @Command(name = "energy", description = "Package and DRAM energy since the daemon started counting")
    int energy() {
        JsonNode body = client.call("GET", "/cpu/get_cumulative_energy?cpu=true&dram=true" + query('&'));
        return client.print(body, () -> {
            Table table = new Table("CPU", "PACKAGE (J)", "DRAM (J)");
            for (Map.Entry<String, JsonNode> cpu : GpuClientCommand.fields(body)) {
                table.row(cpu.getKey(), micro(cpu.getValue().get("cpu_energy_uj").asLong()),
                        optional(cpu.getValue().get("dram_energy_uj"), 6));
            }
            table.print(client.out());
        });
    }

    /** A value in milli- (3) or micro- (6) units as whole units, or "-" where the package has no DRAM domain. */
    private static String optional(JsonNode value, int scale) {
        if (value == null || value.isNull()) {
            return "-";
        }
        return scale == 3 ? Table.milli(value.asLong()) : micro(value.asLong());
    }

    private static String micro(long value) {
        return java.math.BigDecimal.valueOf(value, 6).setScale(3, java.math.RoundingMode.DOWN).stripTrailingZeros()
                .toPlainString();
    }

    private String query(char separator) {
        return cpus == null ? "" : separator + "cpu_ids=" + cpus.stream().map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
