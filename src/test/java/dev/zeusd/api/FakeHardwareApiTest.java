package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.FakePowercap;
import dev.zeusd.testsupport.Management;
import dev.zeusd.testsupport.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The whole API on the real backends: NVML through JNA against the fake libnvidia-ml.so built by the test build
 * (GPU 0 obeys; 1 answers NOT_SUPPORTED, 2 NO_PERMISSION, 3 UNKNOWN to set/reset calls), and RAPL read from a fake
 * powercap tree.
 */
@QuarkusTest
@TestProfile(FakeHardwareApiTest.FakeHardware.class)
class FakeHardwareApiTest {
    // Intel's usual range: the wrap guard then reads every 30 s and stays out of the timing below.
    static final long RANGE = 262_143_328_850L;
    static final FakePowercap POWERCAP;

    static {
        try {
            POWERCAP = new FakePowercap(Files.createTempDirectory("zeusd-powercap"))
                    .addPackage(0, RANGE, 100).addDram(0, RANGE, 50).addPackage(1, RANGE, 7);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static class FakeHardware implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zeusd.simulate", "false",
                    // named, not auto: a machine with ROCm would otherwise see both vendors
                    "zeusd.gpu-backend", "nvml",
                    "zeusd.nvml-library", FakeNvmlHooks.libraryPath(),
                    "zeusd.rapl-root", POWERCAP.root().toString());
        }
    }

    private final FakeNvmlHooks fake = FakeNvmlHooks.load();

    @TestHTTPResource("/")
    URL base;

    @Test
    void discoverSeesTheFakeDevices() {
        when().get("/discover").then().statusCode(200).body("gpu_ids", contains(0, 1, 2, 3))
                .body("cpu_ids", contains(0, 1)).body("dram_available", contains(true, false));
        assertEquals(1, fake.fake_nvml_init_calls(), "nvmlInit_v2 must be called exactly once");
    }

    @Test
    void discoverNamesGpusByNvmlNameAndZeusStylePciAddress() {
        when().get("/discover").then().statusCode(200)
                .body("gpus.id", contains(0, 1, 2, 3))
                .body("gpus[0].name", equalTo("NVIDIA H100 80GB HBM3"))
                .body("gpus[1].name", equalTo("Tesla P100-PCIE-16GB"))
                // from the numeric fields, lower-case: never NVML's "00000000:2A:00.0" busId
                .body("gpus.pci_address", contains("0000:1a:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:4a:00.0"))
                .body("gpus.cumulative_energy_available", contains(true, false, true, true))
                .body("cpus.id", contains(0, 1)).body("cpus.dram_available", contains(true, false));
    }

    @Test
    void aGpuWithoutAnEnergyCounterAnswers400ForEnergyOnlyAndMetricsStillWork() {
        given().get("/gpu/get_cumulative_energy?gpu_ids=1").then().statusCode(400)
                .body("errors.'1'", equalTo("GPU 1: nvmlDeviceGetTotalEnergyConsumption: Not Supported (NVML error 3)"));
        when().get("/gpu/get_power?gpu_ids=1").then().statusCode(200);
        String metrics = given().get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("zeusd_gpu_energy_joules_total{gpu=\"0\","), metrics);
        assertFalse(metrics.contains("zeusd_gpu_energy_joules_total{gpu=\"1\","), metrics);
        // the hardware's identity from NVML as labels: name, PCI address from the numeric fields, UUID
        assertTrue(metrics.matches("(?s).*zeusd_gpu_power_watts\\{gpu=\"1\",model=\"Tesla P100-PCIE-16GB\","
                + "pci_address=\"0000:2a:00.0\",uuid=\"GPU-fa4e0000-0000-4000-8000-000000000001\"\\} 1[0-9]{2}\\.[0-9]+.*"),
                metrics);
    }

    @Test
    void resetLockedClocksResetsBothDomainsAndAttemptsBothOnFailure() {
        given().post("/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=600&max_clock_mhz=1400&block=true").then()
                .statusCode(200);
        given().post("/gpu/set_mem_locked_clocks?gpu_ids=0&min_clock_mhz=800&max_clock_mhz=1500&block=true").then()
                .statusCode(200);
        given().post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then().statusCode(200).body(emptyString());
        assertEquals(0, fake.fake_nvml_gpu_locked_clock_max(0));
        assertEquals(0, fake.fake_nvml_mem_locked_clock_max(0));

        long attempts = fake.fake_nvml_reset_calls_of(2);
        given().post("/gpu/reset_locked_clocks?gpu_ids=0,2&block=true").then().statusCode(403)
                .body("errors.keySet()", contains("2"))
                .body("errors.'2'", equalTo("GPU 2: nvmlDeviceResetGpuLockedClocks: Insufficient Permissions (NVML "
                        + "error 4)"));
        assertEquals(attempts + 2, fake.fake_nvml_reset_calls_of(2), "the memory reset must be tried too");
    }

    @Test
    void everyDeviceCallRunsOnADeviceWorkerNeverOnAnHttpThread() throws Exception {
        long readsBefore = fake.fake_nvml_power_reads();
        fake.fake_nvml_reset_thread_counts();
        for (String read : List.of("get_power", "get_cumulative_energy?gpu_ids=0", "get_power_limit",
                "get_power_limit_constraints", "get_persistence_mode")) {
            when().get("/gpu/" + read).then().statusCode(200);
        }
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=250000&block=true").then().statusCode(200);
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=300000&block=false").then().statusCode(200);
        given().post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then().statusCode(200);
        try (SseClient sse = SseClient.tcp(base.getPort(), "/gpu/stream_power?gpu_ids=0,3")) {
            sse.nextEvents(4);
        }
        given().get(Management.url("/q/metrics")).then().statusCode(200);
        given().get(Management.url("/q/health/ready")).then().statusCode(200);
        assertTrue(fake.fake_nvml_power_reads() > readsBefore, "the device was read");
        assertEquals(0, fake.fake_nvml_foreign_thread_calls(),
                "a device call ran on " + fake.fake_nvml_last_foreign_thread());
    }

    @Test
    void streamingOneGpuNeverReadsTheOthers() throws Exception {
        long[] before = new long[4];
        for (int i = 0; i < 4; i++) {
            before[i] = fake.fake_nvml_power_reads_of(i);
        }
        try (SseClient sse = SseClient.tcp(base.getPort(), "/gpu/stream_power?gpu_ids=1")) {
            sse.nextEvents(3);
        }
        assertTrue(fake.fake_nvml_power_reads_of(1) > before[1], "GPU 1 was streamed but not read");
        for (int other : new int[] { 0, 2, 3 }) {
            assertEquals(before[other], fake.fake_nvml_power_reads_of(other), "GPU " + other + " was read");
        }
    }

    @Test
    void valuesFlowBothWaysThroughJna() {
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=175000&block=true").then().statusCode(200)
                .body(emptyString());
        when().get("/gpu/get_power_limit?gpu_ids=0").then().body("'0'.power_limit_mw", equalTo(175_000));
        int power = when().get("/gpu/get_power?gpu_ids=0").then().extract().jsonPath().getInt("power_mw.'0'");
        assertTrue(power > 0 && power <= 175_000, "power " + power);
        given().post("/gpu/set_persistence_mode?gpu_ids=0&enabled=true&block=true").then().statusCode(200);
        when().get("/gpu/get_persistence_mode?gpu_ids=0").then().body("'0'.enabled", equalTo(true));
        given().post("/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=600&max_clock_mhz=1410&block=true").then()
                .statusCode(200);
        assertEquals(1410, fake.fake_nvml_gpu_locked_clock_max(0));
        given().post("/gpu/set_mem_locked_clocks?gpu_ids=0&min_clock_mhz=800&max_clock_mhz=1593&block=true").then()
                .statusCode(200);
        assertEquals(1593, fake.fake_nvml_mem_locked_clock_max(0));
        given().post("/gpu/reset_gpu_locked_clocks?gpu_ids=0&block=true").then().statusCode(200);
        given().post("/gpu/reset_mem_locked_clocks?gpu_ids=0&block=true").then().statusCode(200);
        assertEquals(0, fake.fake_nvml_gpu_locked_clock_max(0));
        assertEquals(0, fake.fake_nvml_mem_locked_clock_max(0));
        when().get("/gpu/get_power_limit_constraints?gpu_ids=1").then()
                .body("'1'.min_power_limit_mw", equalTo(100_000)).body("'1'.max_power_limit_mw", equalTo(300_000));
        long first = when().get("/gpu/get_cumulative_energy?gpu_ids=3").then().extract().jsonPath()
                .getLong("'3'.energy_mj");
        long second = when().get("/gpu/get_cumulative_energy?gpu_ids=3").then().extract().jsonPath()
                .getLong("'3'.energy_mj");
        assertEquals(1000, second - first);
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=300000&block=true").then().statusCode(200);
        given().post("/gpu/set_persistence_mode?gpu_ids=0&enabled=false&block=true").then().statusCode(200);
    }

    @Test
    void perGpuFaultsAreAggregatedWithTheWorstStatusWhileGpu0Succeeds() {
        double faultsBefore = gpuFaults();
        given().post("/gpu/set_persistence_mode?gpu_ids=0,1,2,3&enabled=true&block=true").then().statusCode(500)
                .body("errors.keySet()", contains("1", "2", "3"))
                .body("errors.'1'", equalTo("GPU 1: nvmlDeviceSetPersistenceMode: Not Supported (NVML error 3)"))
                .body("errors.'2'", containsString("Insufficient Permissions"))
                .body("errors.'3'", containsString("Unknown Error"));
        // only GPU 3's unknown error is a fault for alerting; NotSupported and NoPermission are refusals
        assertEquals(faultsBefore + 1, gpuFaults());
        when().get("/gpu/get_persistence_mode?gpu_ids=0").then().body("'0'.enabled", equalTo(true));
        given().post("/gpu/reset_gpu_locked_clocks?gpu_ids=0,2&block=true").then().statusCode(403)
                .body("errors.keySet()", contains("2"));
        given().post("/gpu/reset_mem_locked_clocks?gpu_ids=1&block=true").then().statusCode(400);
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=99&block=true").then().statusCode(400)
                .body("errors.'0'", containsString("Invalid Argument"));
        given().post("/gpu/set_persistence_mode?gpu_ids=0&enabled=false&block=true").then().statusCode(200);
    }

    private static double gpuFaults() {
        String metrics = given().get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("zeusd_device_errors_total\\{device=\"gpu\"\\} (\\S+)")
                .matcher(metrics);
        assertTrue(m.find(), metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void auditRecordsNvmlFailures() {
        try (AuditCapture audit = new AuditCapture()) {
            given().post("/gpu/set_power_limit?gpu_ids=2&power_limit_mw=200000&block=true").then().statusCode(403);
            assertEquals(1, audit.lines().size(), audit.lines().toString());
            assertTrue(audit.lines().get(0).endsWith(" gpu=2 op=set_power_limit power_limit_mw=200000 previous=300000 "
                    + "outcome=error status=403 error=\"GPU 2: nvmlDeviceSetPowerManagementLimit: Insufficient "
                    + "Permissions (NVML error 4)\""), audit.lines().get(0));
        }
    }

    @Test
    void nonBlockingWritesApplyInOrder() {
        for (int clock = 1000; clock <= 1100; clock += 10) {
            given().post("/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=300&max_clock_mhz=" + clock
                    + "&block=false").then().statusCode(200);
        }
        // a blocking call queues behind them on GPU 0's worker
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=300000&block=true").then().statusCode(200);
        assertEquals(1100, fake.fake_nvml_gpu_locked_clock_max(0));
    }

    @Test
    void powerIsReadFromTheDriverOnlyOnDemand() throws InterruptedException {
        long before = fake.fake_nvml_power_reads();
        Thread.sleep(200);
        assertEquals(before, fake.fake_nvml_power_reads(), "power read with nobody asking");
        when().get("/gpu/get_power").then().statusCode(200).body("power_mw.keySet()", contains("0", "1", "2", "3"));
        assertEquals(before + 4, fake.fake_nvml_power_reads());
    }

    private final URL ready = Management.url("/q/health/ready");

    @Test
    void readinessFallsWhenABackendStopsAnsweringAndRecovers() throws IOException {
        given().get(ready).then().statusCode(200);
        Path energy = POWERCAP.packageZone(1).resolve("energy_uj");
        Files.delete(energy);
        try {
            given().get(ready).then().statusCode(503).body("checks[0].status", equalTo("DOWN"))
                    .body("checks[0].data.reason", containsString("energy_uj"));
        } finally {
            POWERCAP.setPackage(1, 7);
        }
        given().get(ready).then().statusCode(200);
    }

    @Test
    void cpuEnergyIsExactAcrossWrapsAndDramIsNullWithoutDram() {
        POWERCAP.setPackage(0, RANGE - 1000);
        POWERCAP.setDram(0, 400);
        long start = when().get("/cpu/get_cumulative_energy?cpu_ids=0&cpu=true&dram=true").then().extract()
                .jsonPath().getLong("'0'.cpu_energy_uj");
        POWERCAP.setPackage(0, 4000); // wrapped: 1000 to the top, 4000 past it
        POWERCAP.setDram(0, 900);
        var json = when().get("/cpu/get_cumulative_energy?cpu=true&dram=true").then().statusCode(200)
                .body("'1'.cpu_energy_uj", equalTo(7))
                .body("'1'.dram_energy_uj", nullValue()).extract().jsonPath();
        assertEquals(start + 5000, json.getLong("'0'.cpu_energy_uj"));
    }

    @Test
    void cpuPowerFromMeasuredDeltas() throws InterruptedException {
        POWERCAP.setPackage(1, 1_000_000);
        long start = System.nanoTime();
        when().get("/cpu/get_cumulative_energy?cpu_ids=1&cpu=true&dram=false").then().statusCode(200);
        Thread.sleep(200);
        POWERCAP.setPackage(1, 1_000_000 + 4_000_000); // 4 J over at least 0.2 s: at most 20 W
        int mw = when().get("/cpu/get_power?cpu_ids=1").then().statusCode(200).body("power_mw.'1'.dram_mw",
                nullValue()).extract().jsonPath().getInt("power_mw.'1'.cpu_mw");
        // the daemon's two samples lie inside what this test measured, however slow a loaded machine is
        double atLeastMw = 4_000 / ((System.nanoTime() - start) / 1e9);
        assertTrue(mw >= atLeastMw && mw <= 20_000, "power " + mw + " mW, expected " + atLeastMw + "–20000");
    }
}
