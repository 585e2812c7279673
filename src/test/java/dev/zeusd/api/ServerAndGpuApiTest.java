package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.UdsHttpClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The wire contract of /discover, /time and /gpu/*, pinned field by field, over TCP. */
@QuarkusTest
public class ServerAndGpuApiTest {
    /** {@code /discover} on the simulated node: both client generations' keys, side by side. */
    public static final String DISCOVER = "{\"gpus\":["
            + "{\"id\":0,\"name\":\"NVIDIA H100 80GB HBM3\",\"pci_address\":\"0000:18:00.0\",\"cumulative_energy_available\":true},"
            + "{\"id\":1,\"name\":\"NVIDIA A100-SXM4-80GB\",\"pci_address\":\"0000:29:00.0\",\"cumulative_energy_available\":true},"
            + "{\"id\":2,\"name\":\"NVIDIA L40S\",\"pci_address\":\"0000:3a:00.0\",\"cumulative_energy_available\":true},"
            + "{\"id\":3,\"name\":\"NVIDIA A40\",\"pci_address\":\"0000:4b:00.0\",\"cumulative_energy_available\":true}],"
            + "\"cpus\":[{\"id\":0,\"dram_available\":true},{\"id\":1,\"dram_available\":false}],"
            + "\"gpu_ids\":[0,1,2,3],\"cpu_ids\":[0,1],\"dram_available\":[true,false],"
            + "\"enabled_api_groups\":[\"gpu-control\",\"gpu-read\",\"cpu-read\"],\"auth_required\":false}";

    @TestHTTPResource("/")
    URL base;

    @Test
    void discoverListsDevicesGroupsAndAuth() {
        String body = when().get("/discover").then().statusCode(200).contentType("application/json")
                .extract().asString();
        assertEquals(DISCOVER, body);
    }

    @Test
    void timeIsUnixMillis() {
        long before = System.currentTimeMillis();
        long ts = when().get("/time").then().statusCode(200).extract().jsonPath().getLong("timestamp_ms");
        assertTrue(ts >= before && ts <= System.currentTimeMillis(), "timestamp " + ts);
    }

    @Test
    void getPowerShapeAllAndFiltered() {
        when().get("/gpu/get_power").then().statusCode(200)
                .body("timestamp_ms", greaterThanOrEqualTo(0L))
                .body("power_mw.keySet()", contains("0", "1", "2", "3"))
                .body("power_mw.'2'", allOf(greaterThanOrEqualTo(60_000), lessThanOrEqualTo(300_000)));
        given().queryParam("gpu_ids", " 2, 0,2").when().get("/gpu/get_power").then().statusCode(200)
                .body("power_mw.keySet()", contains("0", "2"));
    }

    @Test
    void perGpuReadShapes() {
        when().get("/gpu/get_cumulative_energy?gpu_ids=1").then().statusCode(200)
                .body("keySet()", contains("1")).body("'1'.keySet()", contains("energy_mj"));
        when().get("/gpu/get_power_limit_constraints?gpu_ids=3").then().statusCode(200)
                .body("'3'.min_power_limit_mw", equalTo(100_000)).body("'3'.max_power_limit_mw", equalTo(300_000));
        when().get("/gpu/get_persistence_mode").then().statusCode(200)
                .body("keySet()", contains("0", "1", "2", "3")).body("'0'.keySet()", contains("enabled"));
        when().get("/gpu/get_power_limit?gpu_ids=2").then().statusCode(200)
                .body("'2'.keySet()", contains("power_limit_mw"));
    }

    @Test
    void cumulativeEnergyOnlyIncreases() throws InterruptedException {
        long first = when().get("/gpu/get_cumulative_energy?gpu_ids=0").then().extract().jsonPath()
                .getLong("'0'.energy_mj");
        Thread.sleep(50);
        long second = when().get("/gpu/get_cumulative_energy?gpu_ids=0").then().extract().jsonPath()
                .getLong("'0'.energy_mj");
        assertTrue(second > first, first + " then " + second);
    }

    @Test
    void setThenGetValuesFlowBothWays() {
        given().post("/gpu/set_power_limit?gpu_ids=2&power_limit_mw=150000&block=true").then().statusCode(200)
                .body(emptyString());
        when().get("/gpu/get_power_limit?gpu_ids=2").then().body("'2'.power_limit_mw", equalTo(150_000));
        for (int i = 0; i < 20; i++) {
            int power = when().get("/gpu/get_power?gpu_ids=2").then().extract().jsonPath().getInt("power_mw.'2'");
            assertTrue(power <= 150_000, "power " + power + " above the new limit");
        }
        given().post("/gpu/set_persistence_mode?gpu_ids=2,3&enabled=true&block=true").then().statusCode(200);
        when().get("/gpu/get_persistence_mode?gpu_ids=2,3").then().body("'2'.enabled", equalTo(true))
                .body("'3'.enabled", equalTo(true));
        given().post("/gpu/set_persistence_mode?gpu_ids=2,3&enabled=false&block=true").then().statusCode(200);
        given().post("/gpu/set_power_limit?gpu_ids=2&power_limit_mw=300000&block=true").then().statusCode(200);
    }

    @Test
    void nonBlockingWritesReturnAtOnceAndApplyInOrder() {
        for (int limit = 100_000; limit <= 200_000; limit += 10_000) {
            given().post("/gpu/set_power_limit?gpu_ids=1&power_limit_mw=" + limit + "&block=false").then()
                    .statusCode(200).body(emptyString());
        }
        // A read queues behind the writes on GPU 1's worker.
        when().get("/gpu/get_power_limit?gpu_ids=1").then().body("'1'.power_limit_mw", equalTo(200_000));
        given().post("/gpu/set_power_limit?gpu_ids=1&power_limit_mw=300000&block=true").then().statusCode(200);
    }

    @Test
    void everyClockEndpointAnswers() {
        for (String path : List.of("set_gpu_locked_clocks?min_clock_mhz=500&max_clock_mhz=1500",
                "set_mem_locked_clocks?min_clock_mhz=800&max_clock_mhz=1600", "reset_gpu_locked_clocks?x=",
                "reset_mem_locked_clocks?x=")) {
            String url = "/gpu/" + path.replace("?x=", "?") + (path.endsWith("?x=") ? "" : "&")
                    + "gpu_ids=0,1&block=true";
            given().post(url).then().statusCode(200).body(emptyString());
        }
    }

    @Test
    void powerLimitOutsideConstraintsIsAPerGpuError() {
        given().post("/gpu/set_power_limit?gpu_ids=0,3&power_limit_mw=50000&block=true").then().statusCode(400)
                .body("errors.keySet()", contains("0", "3"))
                .body("errors.'0'", containsString("GPU 0"))
                .body("errors.'3'", containsString("outside the allowed range"));
    }

    @Test
    void minAboveMaxClockIsRejected() {
        given().post("/gpu/set_gpu_locked_clocks?gpu_ids=0&min_clock_mhz=1500&max_clock_mhz=1000&block=true").then()
                .statusCode(400).body("error", equalTo("min_clock_mhz (1500) must not exceed max_clock_mhz (1000)"));
        given().post("/gpu/set_mem_locked_clocks?gpu_ids=0&min_clock_mhz=9&max_clock_mhz=1&block=false").then()
                .statusCode(400).body("error", containsString("must not exceed"));
    }

    @Test
    void badIdsAreRejected() {
        for (String ids : List.of("", "a", "0,,1", "-1", "0,9", "1.0")) {
            given().queryParam("gpu_ids", ids).when().get("/gpu/get_power").then().statusCode(400)
                    .body("$", hasKey("error"));
        }
        when().get("/gpu/get_power?gpu_ids=9").then().body("error", equalTo("GPU 9 not found"));
        when().get("/gpu/get_power?gpu_ids=").then().body("error", equalTo("gpu_ids must contain at least one GPU index"));
        when().get("/gpu/get_power_limit?gpu_ids=0,,1").then().body("error", equalTo("gpu_ids contains an empty GPU index"));
        when().get("/gpu/get_power_limit?gpu_ids=0,x").then().body("error", equalTo("Invalid GPU index: x"));
        given().post("/gpu/set_power_limit?gpu_ids=4&power_limit_mw=200000&block=true").then().statusCode(400)
                .body("error", equalTo("GPU index 4 does not exist."));
        given().post("/gpu/reset_locked_clocks?gpu_ids=&block=true").then().statusCode(400)
                .body("error", equalTo("gpu_ids must contain at least one GPU index"));
        when().get("/gpu/stream_power?gpu_ids=1,6,5,6").then().statusCode(400)
                .body("error", equalTo("Unknown GPU indices: [5, 6]. Available: [0, 1, 2, 3]"));
    }

    @Test
    void malformedPercentEncodingIsAJson400() throws Exception {
        UdsHttpClient raw = UdsHttpClient.tcp(base.getPort());
        for (String path : List.of("/gpu/get_power?gpu_ids=%zz", "/gpu/get_power?gpu_ids=%", "/time?x=%G0",
                "/gpu/get_power?%zz=1", "/gpu/get_power%zz", "/gpu/%")) {
            UdsHttpClient.Response response = raw.get(path);
            assertEquals(400, response.status(), path);
            assertEquals("application/json", response.header("content-type"), path);
            assertTrue(response.body().startsWith("{\"error\":\"") && response.body().contains("percent-encoding"),
                    path + ": " + response.body());
        }
        assertEquals(200, raw.get("/time").status());
    }

    @Test
    void resetLockedClocks() {
        given().post("/gpu/set_gpu_locked_clocks?gpu_ids=1&min_clock_mhz=300&max_clock_mhz=900&block=true").then()
                .statusCode(200);
        given().post("/gpu/reset_locked_clocks?gpu_ids=1,1&block=true").then().statusCode(200)
                .body(equalTo(""));
        given().post("/gpu/reset_locked_clocks?gpu_ids=0,1&block=false").then().statusCode(200);
        given().post("/gpu/reset_locked_clocks?block=true").then().statusCode(400)
                .body("error", equalTo("missing required query parameter 'gpu_ids'"));
        given().post("/gpu/reset_locked_clocks?gpu_ids=0").then().statusCode(400)
                .body("error", equalTo("missing required query parameter 'block'"));
        given().post("/gpu/reset_locked_clocks?gpu_ids=0&block=true&min_clock_mhz=1").then().statusCode(400)
                .body("error", containsString("unknown query parameter 'min_clock_mhz'"));
        when().get("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then().statusCode(405);
    }

    @Test
    void missingUnknownAndMalformedParameters() {
        given().post("/gpu/set_power_limit?power_limit_mw=200000&block=true").then().statusCode(400)
                .body("error", equalTo("missing required query parameter 'gpu_ids'"));
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=200000").then().statusCode(400)
                .body("error", equalTo("missing required query parameter 'block'"));
        given().post("/gpu/set_power_limit?gpu_ids=0&block=true").then().statusCode(400)
                .body("error", containsString("power_limit_mw"));
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=2e5&block=true").then().statusCode(400)
                .body("error", containsString("'power_limit_mw' must be an integer"));
        given().post("/gpu/set_persistence_mode?gpu_ids=0&enabled=yes&block=true").then().statusCode(400)
                .body("error", equalTo("query parameter 'enabled' must be true or false, got 'yes'"));
        given().post("/gpu/reset_gpu_locked_clocks?gpu_ids=0&block=1").then().statusCode(400)
                .body("error", containsString("'block' must be true or false"));
        when().get("/gpu/get_power?gpuids=0").then().statusCode(400)
                .body("error", equalTo("unknown query parameter 'gpuids'; this endpoint takes gpu_ids"));
        when().get("/discover?verbose=true").then().statusCode(400).body("error", containsString("takes none"));
        when().get("/gpu/get_power?gpu_ids=0&gpu_ids=1").then().statusCode(400)
                .body("error", containsString("more than once"));
    }

    @Test
    void everyControlCallWritesOneAuditLine() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            given().post("/gpu/set_power_limit?gpu_ids=3&power_limit_mw=250000&block=true").then().statusCode(200);
            given().post("/gpu/set_power_limit?gpu_ids=3&power_limit_mw=10&block=true").then().statusCode(400);
            given().post("/gpu/reset_mem_locked_clocks?gpu_ids=0,1&block=false").then().statusCode(200);
            List<String> lines = audit.awaitLines(4);
            assertEquals(4, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("time=\\S+ caller=anonymous@127\\.0\\.0\\.1:\\d+ gpu=3 "
                    + "op=set_power_limit power_limit_mw=250000 previous=300000 outcome=ok"), lines.get(0));
            assertTrue(lines.get(1).matches("time=\\S+ caller=\\S+ gpu=3 op=set_power_limit power_limit_mw=10 "
                    + "previous=250000 outcome=error status=400 error=\"GPU 3: Invalid Argument: .*\""), lines.get(1));
            assertTrue(lines.stream().skip(2).allMatch(l -> l.contains(" op=reset_mem_locked_clocks previous=unknown "
                    + "outcome=ok")), lines.toString());
        }
        given().post("/gpu/set_power_limit?gpu_ids=3&power_limit_mw=300000&block=true").then().statusCode(200);
    }

    @Test
    void wrongMethodAndUnknownPathAreJson() {
        when().get("/gpu/set_power_limit").then().statusCode(405).contentType("application/json")
                .body("error", containsString("GET"));
        when().post("/gpu/get_power").then().statusCode(405).body("$", hasKey("error"));
        when().get("/gpu/nothing").then().statusCode(404).contentType("application/json")
                .body("error", equalTo("no such endpoint: GET /gpu/nothing"));
        when().get("/auth/whoami").then().statusCode(404).body("$", not(hasKey("errors")));
    }
}
