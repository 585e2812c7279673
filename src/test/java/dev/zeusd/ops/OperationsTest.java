package dev.zeusd.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.zeusd.device.GpuIdentity;
import dev.zeusd.service.gpu.GpuService;
import dev.zeusd.testsupport.Management;
import io.quarkus.test.junit.QuarkusTest;

/** Health and Prometheus metrics on the management port, against the simulated devices. */
@QuarkusTest
class OperationsTest {
    private static final Pattern SAMPLE = Pattern.compile("^(zeusd_[a-z_]+\\{[^}]*\\}) (\\S+)$", Pattern.MULTILINE);

    private final URL metrics = Management.url("/q/metrics");
    private final URL ready = Management.url("/q/health/ready");
    private final URL live = Management.url("/q/health/live");

    @Inject
    GpuService gpus;

    private Map<String, Double> scrape() {
        String body = given().get(metrics).then().statusCode(200).extract().asString();
        Map<String, Double> samples = new HashMap<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        assertTrue(body.contains("# HELP zeusd_gpu_power_watts Instant GPU power draw in watts"), body);
        return samples;
    }

    @Test
    void deviceMetricsInBaseUnits() throws InterruptedException {
        Map<String, Double> first = scrape();
        for (int gpu = 0; gpu < 4; gpu++) {
            double power = first.get(gpuSeries("zeusd_gpu_power_watts", gpu));
            double limit = first.get(gpuSeries("zeusd_gpu_power_limit_watts", gpu));
            assertTrue(power >= 60 && power <= limit, "GPU " + gpu + ": " + power + " W, limit " + limit + " W");
        }
        assertTrue(first.get("zeusd_cpu_package_power_watts{cpu=\"0\"}") > 30);
        assertTrue(first.containsKey("zeusd_dram_energy_joules_total{cpu=\"0\"}"));
        assertFalse(first.containsKey("zeusd_dram_energy_joules_total{cpu=\"1\"}"), "no DRAM series for package 1");
        assertTrue(first.containsKey("zeusd_stream_subscribers{device=\"gpu\"}"));
        // RAPL leaves at 1 J / 1 W, for whoever can reach the port (CVE-2020-8694)
        for (String rapl : new String[] { "zeusd_cpu_package_power_watts{cpu=\"0\"}",
                "zeusd_cpu_package_energy_joules_total{cpu=\"1\"}", "zeusd_dram_energy_joules_total{cpu=\"0\"}" }) {
            double value = first.get(rapl);
            assertEquals(Math.rint(value), value, rapl + " finer than whole units");
        }
        Thread.sleep(1100);
        Map<String, Double> second = scrape();
        for (String counter : new String[] { gpuSeries("zeusd_gpu_energy_joules_total", 2),
                "zeusd_cpu_package_energy_joules_total{cpu=\"1\"}", "zeusd_dram_energy_joules_total{cpu=\"0\"}" }) {
            assertTrue(second.get(counter) > first.get(counter), counter + " did not increase");
        }
    }

    /** GPU series carry the hardware's identity, as dcgm-exporter's do. */
    private String gpuSeries(String name, int id) {
        GpuIdentity identity = gpus.identities().get(id);
        return name + "{gpu=\"" + id + "\",model=\"" + identity.name() + "\",pci_address=\"" + identity.pciAddress()
                + "\",uuid=\"" + identity.uuid() + "\"}";
    }

    @Test
    void hardwareLabelsBuildInfoReadinessAndFaults() {
        given().get(ready).then().statusCode(200); // a probe ran the checks
        Map<String, Double> samples = scrape();
        assertTrue(gpuSeries("zeusd_gpu_power_watts", 0).contains(
                "model=\"NVIDIA H100 80GB HBM3\",pci_address=\"0000:18:00.0\",uuid=\"GPU-5eed0000-"),
                gpuSeries("zeusd_gpu_power_watts", 0));
        assertTrue(samples.containsKey(gpuSeries("zeusd_gpu_power_watts", 3)), samples.keySet().toString());
        assertEquals(1.0, samples.get("zeusd_ready{check=\"devices\"}"));
        assertEquals(1.0, samples.get("zeusd_ready{check=\"api-listener\"}"));
        assertEquals(0.0, samples.get("zeusd_device_errors_total{device=\"gpu\"}"));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("zeusd_build_info{backend=\"simulated")
                && k.contains("java=\"" + System.getProperty("java.version") + "\"") && k.contains("version=\"")),
                samples.keySet().toString());
    }

    /** Every metric the chart's dashboard and alert rules query is one this daemon exports (checked on a scrape). */
    @Test
    void dashboardAndAlertsQueryOnlyExportedMetrics() throws java.io.IOException {
        String body = given().get(metrics).then().statusCode(200).extract().asString();
        java.util.Set<String> exported = new java.util.TreeSet<>();
        Matcher names = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE).matcher(body);
        while (names.find()) {
            exported.add(names.group(1));
        }
        String queries = java.nio.file.Files.readString(java.nio.file.Path.of("helm/zeusd/dashboards/zeusd.json"))
                + java.nio.file.Files.readString(java.nio.file.Path.of("helm/zeusd/templates/prometheusrule.yaml"));
        Matcher used = Pattern.compile("\\b(zeusd_[a-z0-9_]+|process_[a-z0-9_]+)\\b").matcher(queries);
        java.util.Set<String> queried = new java.util.TreeSet<>();
        while (used.find()) {
            queried.add(used.group(1));
        }
        assertTrue(queried.size() >= 8, queried.toString());
        // the pod panels' series exist only with pod attribution on: PodAttributionIT checks them on its scrape
        queried.removeIf(metric -> metric.startsWith("zeusd_gpu_pod_") || metric.startsWith("zeusd_pod_attribution_"));
        for (String metric : queried) {
            // counters are typed under their base name: zeusd_x_total is "# TYPE zeusd_x counter"... or with _total
            assertTrue(exported.contains(metric) || exported.contains(metric.replaceFirst("_total$", "")),
                    metric + " is queried but not exported; exported: " + exported);
        }
    }

    @Test
    void rapidScrapesReadTheHardwareAtMostOncePerSecond() throws InterruptedException {
        Thread.sleep(1100); // let an earlier scrape's readings age out
        long before = gpus.deviceCallCount();
        for (int i = 0; i < 10; i++) {
            scrape();
        }
        // one refresh = one call per GPU (power, energy and limit are read in one call)
        assertEquals(4, gpus.deviceCallCount() - before);
        Thread.sleep(500);
        assertEquals(4, gpus.deviceCallCount() - before, "hardware read with nobody scraping");
        // the same count is exported, so the benchmark can check an idle daemon from outside
        long low = gpus.deviceCallCount();
        double exported = scrape().get("zeusd_device_calls_total{device=\"gpu\"}");
        assertTrue(exported >= low && exported <= gpus.deviceCallCount(), exported + " not in [" + low + ", ...]");
    }

    @Test
    void controlCallsAreCounted() {
        given().post("/gpu/set_power_limit?gpu_ids=1&power_limit_mw=1&block=true").then().statusCode(400);
        Map<String, Double> samples = scrape();
        assertTrue(samples.getOrDefault(
                "zeusd_control_calls_total{operation=\"set_power_limit\",outcome=\"error\"}", 0.0) >= 1, samples
                        .toString());
    }

    @Test
    void healthProbes() {
        given().get(ready).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.containsInAnyOrder("devices", "api-listener"))
                .body("checks.find { it.name == 'api-listener' }.data.address",
                        org.hamcrest.Matchers.containsString(":"));
        given().get(live).then().statusCode(200);
        given().get(Management.url("/q/health/started")).then().statusCode(200); // the chart's startup probe
    }
}
