package dev.zeusd.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code zeusd top} shows: each device's latest power from the streams (either dialect), its limit, and the
 * energy since the view started, integrated from the samples (a stream sends a sample when power changes, so power
 * holds between samples). Thread-safe: the stream threads write, the drawing thread reads.
 */
final class PowerBoard {
    /** One line of the board. */
    static final class Device {
        final String label;
        final String name;
        Long powerMw;
        Long dramMw;
        Long limitMw;
        double energyJ;
        long lastSampleMs;

        Device(String label, String name) {
            this.label = label;
            this.name = name;
        }

        void sample(long timestampMs, long powerMw, Long dramMw) {
            if (this.powerMw != null && timestampMs > lastSampleMs) {
                energyJ += this.powerMw * (timestampMs - lastSampleMs) / 1e6;
            }
            this.powerMw = powerMw;
            this.dramMw = dramMw;
            this.lastSampleMs = timestampMs;
        }

        double energyAt(long nowMs) {
            return powerMw == null || nowMs <= lastSampleMs ? energyJ : energyJ + powerMw * (nowMs - lastSampleMs) / 1e6;
        }
    }

    private final Map<Integer, Device> gpus = new TreeMap<>();
    private final Map<Integer, Device> cpus = new TreeMap<>();

    PowerBoard(JsonNode discover) {
        discover.get("gpus").forEach(gpu -> gpus.put(gpu.get("id").asInt(),
                new Device("GPU " + gpu.get("id").asInt(), gpu.get("name").asText())));
        discover.get("cpus").forEach(cpu -> cpus.put(cpu.get("id").asInt(),
                new Device("CPU " + cpu.get("id").asInt(), "package")));
    }

    synchronized void limits(JsonNode byId) {
        byId.fields().forEachRemaining(e -> {
            Device gpu = gpus.get(Integer.parseInt(e.getKey()));
            if (gpu != null) {
                gpu.limitMw = e.getValue().get("power_limit_mw").asLong();
            }
        });
    }

    /** A GPU stream event: {@code {"gpu_id":0,"power_mw":..}} or a snapshot {@code {"power_mw":{"0":..}}}. */
    synchronized void gpuEvent(JsonNode event) {
        long at = event.path("timestamp_ms").asLong(System.currentTimeMillis());
        if (event.has("gpu_id")) {
            sample(gpus, event.get("gpu_id").asInt(), at, event.get("power_mw"), null);
        } else {
            event.path("power_mw").fields().forEachRemaining(e -> sample(gpus, Integer.parseInt(e.getKey()), at,
                    e.getValue(), null));
        }
    }

    /** A CPU stream event: {@code {"cpu_id":0,"cpu_mw":..,"dram_mw":..}} or a snapshot of those by id. */
    synchronized void cpuEvent(JsonNode event) {
        long at = event.path("timestamp_ms").asLong(System.currentTimeMillis());
        if (event.has("cpu_id")) {
            sample(cpus, event.get("cpu_id").asInt(), at, event.get("cpu_mw"), event.get("dram_mw"));
        } else {
            event.path("power_mw").fields().forEachRemaining(e -> sample(cpus, Integer.parseInt(e.getKey()), at,
                    e.getValue().get("cpu_mw"), e.getValue().get("dram_mw")));
        }
    }

    private static void sample(Map<Integer, Device> devices, int id, long at, JsonNode power, JsonNode dram) {
        Device device = devices.get(id);
        if (device != null && power != null && power.isNumber()) {
            device.sample(at, power.asLong(), dram == null || dram.isNull() ? null : dram.asLong());
        }
    }

    /** One text line per device, at most {@code width} characters, a bar of power against the limit filling it. */
    synchronized List<String> lines(int width, long nowMs) {
        List<String> lines = new ArrayList<>();
        long largest = 1;
        for (Device device : all()) {
            largest = Math.max(largest, device.powerMw == null ? 0 : device.powerMw);
        }
        for (Device device : all()) {
            String power = device.powerMw == null ? "     -  " : String.format("%7.1f W", device.powerMw / 1e3);
            String limit = device.limitMw == null ? (device.dramMw == null ? "          " : String.format(" DRAM %4.0f W",
                    device.dramMw / 1e3)) : String.format(" / %4.0f W", device.limitMw / 1e3);
            String energy = String.format("%10s", joules(device.energyAt(nowMs)));
            String head = String.format("%-6s %-22.22s %s%s ", device.label, device.name, power, limit);
            int barWidth = width - head.length() - energy.length() - 3;
            String bar = "";
            if (barWidth >= 5) {
                long of = device.limitMw != null ? device.limitMw : largest;
                int filled = device.powerMw == null ? 0 : (int) Math.min(barWidth, Math.round(
                        (double) device.powerMw / of * barWidth));
                bar = "[" + "#".repeat(filled) + " ".repeat(barWidth - filled) + "] ";
            }
            String line = head + bar + energy;
            lines.add(line.length() > width ? line.substring(0, Math.max(0, width)) : line);
        }
        return lines;
    }

    /** The same, one plain line per device for logs: no bar, no padding. */
    synchronized List<String> plainLines(long nowMs) {
        List<String> lines = new ArrayList<>();
        for (Device device : all()) {
            lines.add(device.label.replace(" ", "").toLowerCase() + " power_w="
                    + (device.powerMw == null ? "-" : Table.milli(device.powerMw))
                    + (device.limitMw == null ? "" : " limit_w=" + Table.milli(device.limitMw))
                    + (device.dramMw == null ? "" : " dram_w=" + Table.milli(device.dramMw))
                    + String.format(" energy_j=%.1f", device.energyAt(nowMs)));
        }
        return lines;
    }

    private List<Device> all() {
        List<Device> all = new ArrayList<>(gpus.values());
        all.addAll(cpus.values());
        return all;
    }

    private static String joules(double joules) {
        return joules >= 1e6 ? String.format("%.2f MJ", joules / 1e6)
                : joules >= 1e3 ? String.format("%.2f kJ", joules / 1e3) : String.format("%.1f J", joules);
    }
}
