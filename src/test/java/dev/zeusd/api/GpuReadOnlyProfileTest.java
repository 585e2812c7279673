package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code --enable gpu-read}: the other groups answer 404 before anything else, and RAPL is never initialised. */
@QuarkusTest
@TestProfile(GpuReadOnlyProfileTest.GpuReadOnly.class)
class GpuReadOnlyProfileTest {
    public static class GpuReadOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zeusd.enable", "gpu-read");
        }
    }

    @Test
    void discoverShowsOnlyTheEnabledGroupAndNoCpus() {
        when().get("/discover").then().statusCode(200)
                .body("enabled_api_groups", contains("gpu-read"))
                .body("gpu_ids", contains(0, 1, 2, 3))
                .body("cpu_ids", empty())
                .body("dram_available", empty());
    }

    @Test
    void disabledGroupsAnswer404EvenForBadInput() {
        given().post("/gpu/set_power_limit?gpu_ids=0&power_limit_mw=200000&block=true").then().statusCode(404)
                .body("error", equalTo("API group 'gpu-control' is not enabled on this server."));
        given().post("/gpu/reset_locked_clocks?gpu_ids=0&block=true").then().statusCode(404)
                .body("error", equalTo("API group 'gpu-control' is not enabled on this server."));
        given().post("/gpu/set_power_limit?bogus=1").then().statusCode(404)
                .body("error", equalTo("API group 'gpu-control' is not enabled on this server."));
        when().get("/cpu/get_power").then().statusCode(404)
                .body("error", equalTo("API group 'cpu-read' is not enabled on this server."));
        when().get("/cpu/get_cumulative_energy?cpu=true&dram=true").then().statusCode(404);
    }

    @Test
    void enabledGroupStillWorks() {
        when().get("/gpu/get_power?gpu_ids=0").then().statusCode(200).body("power_mw.keySet()", contains("0"));
    }
}
