package dev.zeusd.ops;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeusd.auth.Caller;
import dev.zeusd.config.ApiGroup;

/**
 * The Prometheus text a token may see: GPU series only with {@code gpu-read}, CPU package and DRAM series only with
 * {@code cpu-read}, and of those only the devices a device-limited token names. Series that are not device readings
 * (HTTP, process, call counters) are shown to any valid token.
 */
final class ScrapeFilter {
    private static final Pattern NAME = Pattern.compile("^(?:# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Pattern GPU_LABEL = Pattern.compile("[{,]gpu=\"(\\d+)\"");
    private static final Pattern CPU_LABEL = Pattern.compile("[{,]cpu=\"(\\d+)\"");

    private final Caller caller;

    ScrapeFilter(Caller caller) {
        this.caller = caller;
    }

    String apply(String exposition) {
        StringBuilder kept = new StringBuilder(exposition.length());
        for (String line : exposition.split("\n")) {
            if (visible(line)) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    boolean visible(String line) {
        Matcher name = NAME.matcher(line);
        if (!name.find()) {
            return true; // blank lines, other comments
        }
        String metric = name.group(1);
        if (metric.startsWith("zeusd_gpu_")) {
            return caller.scopes().contains(ApiGroup.GPU_READ) && deviceAllowed(line, GPU_LABEL, caller.gpuIds());
        }
        if (metric.startsWith("zeusd_cpu_") || metric.startsWith("zeusd_dram_")) {
            return caller.scopes().contains(ApiGroup.CPU_READ) && deviceAllowed(line, CPU_LABEL, caller.cpuIds());
        }
        return true;
    }

    /** @param allowed null when the token does not limit devices of this kind */
    private static boolean deviceAllowed(String line, Pattern label, Set<Integer> allowed) {
        if (allowed == null || line.startsWith("#")) {
            return true;
        }
        Matcher device = label.matcher(line);
        return device.find() && allowed.contains(Integer.parseInt(device.group(1)));
    }
}
