package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeAmdSmi;
import dev.zeusd.testsupport.SseClient;
import dev.zeusd.testsupport.ZeusStreamParser;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * Every GPU endpoint of the packaged daemon on AMD GPUs: {@code serve --gpu-backend amdsmi} loads the fake
 * libamd_smi.so.26 from {@code AMDSMI_LIB_DIR} (which wins over {@code ROCM_PATH}) through the real JNA binding.
 * GPU 0 obeys; GPU 1 answers NO_PERM to power caps, API_FAILED to the performance level and NOT_SUPPORTED to clock
 * limits.
 */
class AmdGpuApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ZeusdProcess zeusd;
    private static FakeAmdSmi fake;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("zeusd-amdsmi");
        fake = new FakeAmdSmi(dir);
        Map<String, String> environment = fake.environment("abi26");
        environment.put("ROCM_PATH", dir.resolve("no-rocm-here").toString());
        environment.put("FAKE_AMDSMI_FAULTS", "1:amdsmi_set_power_cap:no_perm,1:amdsmi_set_gpu_perf_level:api_failed,"
                + "1:amdsmi_set_gpu_clk_limit:not_supported");
        port = ZeusdProcess.freeTcpPort();
        zeusd = ZeusdProcess.start(environment, "serve", "--mode", "tcp", "--tcp-bind-address", "127.0.0.1:" + port,
                "--allow-unprivileged", "--enable", "gpu-control,gpu-read", "--gpu-backend", "amdsmi");
        zeusd.awaitStarted(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        zeusd.stop();
        assertTrue(fake.calls().contains("amdsmi_shut_down -1"), "AMD SMI is shut down once on exit");
    }

    private static HttpResponse<String> call(String method, String pathAndQuery) throws IOException,
            InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(String method, String pathAndQuery) throws Exception {
        HttpResponse<String> response = call(method, pathAndQuery);
        assertEquals(200, response.statusCode(), pathAndQuery + ": " + response.body());
        return response.body().isEmpty() ? null : JSON.readTree(response.body());
    }

    private static String error(int status, String method, String pathAndQuery, String gpu) throws Exception {
        HttpResponse<String> response = call(method, pathAndQuery);
        assertEquals(status, response.statusCode(), pathAndQuery + ": " + response.body());
        JsonNode errors = JSON.readTree(response.body()).get("errors");
        assertEquals(List.of(gpu), ZeusStreamParser.fieldNames(errors), response.body());
        return errors.get(gpu).asText();
    }

    @Test
    void loadedFromAmdsmiLibDirAlthoughRocmPathIsSet() {
        assertTrue(zeusd.stderr().contains("AMD SMI 26.2.0 from " + FakeAmdSmi.libraryDir("abi26")
                .resolve("libamd_smi.so.26") + " (ABI 26)"), zeusd.stderr());
        assertTrue(zeusd.stderr().contains("GPUs: 2 (AMD SMI)"), zeusd.stderr());
    }

    @Test
    void discoverNamesEachGpuWithItsPciFunctionAndTrustsOnlyTheSaneEnergyCounter() throws Exception {
        JsonNode discover = ok("GET", "/discover");
        assertEquals("[0,1]", discover.get("gpu_ids").toString());
        JsonNode gpus = discover.get("gpus");
        assertEquals("{\"id\":0,\"name\":\"AMD Instinct MI300X\",\"pci_address\":\"0000:c1:00.0\","
                + "\"cumulative_energy_available\":true}", gpus.get(0).toString());
        assertEquals("{\"id\":1,\"name\":\"AMD Instinct MI210\",\"pci_address\":\"0001:05:00.1\","
                + "\"cumulative_energy_available\":false}", gpus.get(1).toString());
    }

    @Test
    void powerIsCurrentSocketPowerElseTheAverageInMilliwatts() throws Exception {
        JsonNode power = ok("GET", "/gpu/get_power").get("power_mw");
        assertEquals("{\"0\":350000,\"1\":120000}", power.toString());
        try (SseClient sse = SseClient.tcp(port, "/gpu/stream_power?gpu_ids=1")) {
            JsonNode event = ZeusStreamParser.events(sse.nextEvents(1)).get(0);
            assertEquals(120_000, event.get("power_mw").asInt());
        }
    }

    @Test
    void energyOnlyFromTheTrustedCounter() throws Exception {
        long first = ok("GET", "/gpu/get_cumulative_energy?gpu_ids=0").get("0").get("energy_mj").asLong();
        Thread.sleep(50);
        long second = ok("GET", "/gpu/get_cumulative_energy?gpu_ids=0").get("0").get("energy_mj").asLong();
        assertTrue(second > first && second - first < 350 * 5_000, first + " then " + second);
        assertTrue(error(400, "GET", "/gpu/get_cumulative_energy?gpu_ids=1", "1")
                .startsWith("Invalid request: the cumulative energy counter of this GPU is not available"));
    }

    @Test
    void powerLimitsInMilliwattsFromMicrowatts() throws Exception {
        assertEquals("{\"0\":{\"min_power_limit_mw\":200000,\"max_power_limit_mw\":750000}}",
                ok("GET", "/gpu/get_power_limit_constraints?gpu_ids=0").toString());
        ok("POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=500000&block=true");
        assertEquals("500000000", fake.state("gpu0 power_cap_uw"));
        assertEquals(500_000, ok("GET", "/gpu/get_power_limit?gpu_ids=0").get("0").get("power_limit_mw").asInt());
        assertEquals("GPU 0: amdsmi_set_power_cap: AMDSMI_STATUS_INVAL: Invalid parameters (AMD SMI status 1)",
                error(400, "POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=100000&block=true", "0"));
        ok("POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=750000&block=true");
    }

    @Test
    void clockLimitsAreWrittenInTheOrderThatNeverCrossesAndResetIsPerformanceLevelAuto() throws Exception {
        ok("POST", "/gpu/reset_locked_clocks?gpu_ids=0&block=true");
        assertEquals("AUTO", last(fake.calls("amdsmi_set_gpu_perf_level", 0)));
        assertEquals("500 2100", fake.state("gpu0 gfx"));

        assertEquals(List.of("GFX MIN 1000", "GFX MAX 1500"), clockWrites(() ->
                ok("POST", "/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=1000&max_clock_mhz=1500&block=true")));
        assertEquals(List.of("GFX MAX 2000", "GFX MIN 1800"), clockWrites(() ->
                ok("POST", "/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=1800&max_clock_mhz=2000&block=true")));
        assertEquals(List.of("GFX MIN 600", "GFX MAX 900"), clockWrites(() ->
                ok("POST", "/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=600&max_clock_mhz=900&block=true")));
        assertEquals(List.of("MEM MIN 1000", "MEM MAX 1200"), clockWrites(() ->
                ok("POST", "/gpu/set_mem_locked_clocks?gpu_ids=0&min_clock_mhz=1000&max_clock_mhz=1200&block=true")));
        assertEquals("600 900", fake.state("gpu0 gfx"));
        assertEquals("1000 1200", fake.state("gpu0 mem"));
        assertEquals("manual", fake.state("gpu0 perf_level"));

        ok("POST", "/gpu/reset_locked_clocks?gpu_ids=0&block=true");
        assertEquals("500 2100", fake.state("gpu0 gfx"));
        assertEquals("900 1300", fake.state("gpu0 mem"));
        assertEquals("auto", fake.state("gpu0 perf_level"));
    }

    @Test
    void aFailedClockWriteIsRetriedOnTheQueriedRangeThenTheRangeIsRestored() throws Exception {
        ok("POST", "/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=600&max_clock_mhz=900&block=true");
        int queries = fake.calls("amdsmi_get_clock_info", 0).size();
        String[] message = new String[1];
        // 2500 MHz is above the hardware's 2100: refused on the first try and on the retry
        assertEquals(List.of("GFX MAX 2500", "GFX MAX 2500", "GFX MIN 600", "GFX MAX 900"), clockWrites(() ->
                message[0] = error(400, "POST",
                        "/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=1000&max_clock_mhz=2500&block=true", "0")));
        assertEquals("GPU 0: amdsmi_set_gpu_clk_limit: AMDSMI_STATUS_INVAL: Invalid parameters (AMD SMI status 1)",
                message[0]);
        assertEquals(queries + 1, fake.calls("amdsmi_get_clock_info", 0).size(), "the range is queried before the retry");
        assertEquals("600 900", fake.state("gpu0 gfx"));
        ok("POST", "/gpu/reset_locked_clocks?gpu_ids=0&block=true");
    }

    @Test
    void perDomainResetsAndPersistenceModeAreInvalidRequests() throws Exception {
        String noDomainReset = "Invalid request: AMD GPUs cannot reset a single clock domain; use reset_locked_clocks "
                + "to reset all domains";
        assertEquals(noDomainReset, error(400, "POST", "/gpu/reset_gpu_locked_clocks?gpu_ids=0&block=true", "0"));
        assertEquals(noDomainReset, error(400, "POST", "/gpu/reset_mem_locked_clocks?gpu_ids=0&block=true", "0"));
        String noPersistence = "Invalid request: persistence mode is not supported on AMD GPUs";
        assertEquals(noPersistence, error(400, "POST", "/gpu/set_persistence_mode?gpu_ids=0&enabled=true&block=true",
                "0"));
        assertEquals(noPersistence, error(400, "GET", "/gpu/get_persistence_mode?gpu_ids=0", "0"));
    }

    @Test
    void amdSmiStatusesMapToTheContractsCodesWithTheLibrarysMessage() throws Exception {
        assertEquals("GPU 1: amdsmi_set_power_cap: AMDSMI_STATUS_NO_PERM: Permission Denied (AMD SMI status 10)",
                error(403, "POST", "/gpu/set_power_limit?gpu_ids=0,1&power_limit_mw=300000&block=true", "1"));
        assertEquals("300000000", fake.state("gpu0 power_cap_uw"), "GPU 0 still obeyed");
        ok("POST", "/gpu/set_power_limit?gpu_ids=0&power_limit_mw=750000&block=true");
        assertEquals("GPU 1: amdsmi_set_gpu_perf_level: AMDSMI_STATUS_API_FAILED: API call failed (AMD SMI status 7)",
                error(500, "POST", "/gpu/reset_locked_clocks?gpu_ids=1&block=true", "1"));
        assertEquals("GPU 1: amdsmi_set_gpu_clk_limit: AMDSMI_STATUS_NOT_SUPPORTED: Command not supported (AMD SMI "
                + "status 2)", error(400, "POST",
                        "/gpu/set_mem_locked_clocks?gpu_ids=1&min_clock_mhz=1600&max_clock_mhz=1600&block=true", "1"));
    }

    private interface Request {
        void send() throws Exception;
    }

    /** The clock-limit writes on GPU 0 that one request caused, in order. */
    private static List<String> clockWrites(Request request) throws Exception {
        int before = fake.calls("amdsmi_set_gpu_clk_limit", 0).size();
        request.send();
        List<String> writes = fake.calls("amdsmi_set_gpu_clk_limit", 0);
        return writes.subList(before, writes.size());
    }

    private static String last(List<String> values) {
        return values.get(values.size() - 1);
    }
}
