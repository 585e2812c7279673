package dev.zeusd.api;

import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The wire contract of /cpu/*, against the simulated packages (0 with DRAM, 1 without). */
@QuarkusTest
class CpuApiTest {

    @Test
    void cumulativeEnergyShapeWithNulls() {
        String body = when().get("/cpu/get_cumulative_energy?cpu=true&dram=true").then().statusCode(200)
                .body("keySet()", contains("0", "1"))
                .body("'0'.cpu_energy_uj", greaterThan(0L))
                .body("'0'.dram_energy_uj", greaterThan(0L))
                .body("'1'.dram_energy_uj", nullValue())
                .extract().asString();
        assertTrue(body.contains("\"dram_energy_uj\":null"), "null must be written, not omitted: " + body);
        when().get("/cpu/get_cumulative_energy?cpu_ids=0&cpu=false&dram=true").then().statusCode(200)
                .body("keySet()", contains("0"))
                .body("'0'.cpu_energy_uj", nullValue()).body("'0'.dram_energy_uj", greaterThan(0L));
    }

    @Test
    void cumulativeEnergyNeedsBothFlags() {
        when().get("/cpu/get_cumulative_energy?cpu=true").then().statusCode(400)
                .body("error", equalTo("missing required query parameter 'dram'"));
        when().get("/cpu/get_cumulative_energy?cpu=maybe&dram=true").then().statusCode(400)
                .body("error", containsString("'cpu' must be true or false"));
    }

    @Test
    void cumulativeEnergyIncreases() throws InterruptedException {
        long first = when().get("/cpu/get_cumulative_energy?cpu_ids=1&cpu=true&dram=false").then().extract()
                .jsonPath().getLong("'1'.cpu_energy_uj");
        Thread.sleep(30);
        long second = when().get("/cpu/get_cumulative_energy?cpu_ids=1&cpu=true&dram=false").then().extract()
                .jsonPath().getLong("'1'.cpu_energy_uj");
        assertTrue(second > first);
    }

    @Test
    void powerShape() {
        JsonPath json = when().get("/cpu/get_power").then().statusCode(200)
                .body("power_mw.keySet()", contains("0", "1"))
                .body("power_mw.'0'.keySet()", contains("cpu_mw", "dram_mw"))
                .body("power_mw.'0'.cpu_mw", allOf(greaterThan(30_000), lessThan(100_000)))
                .body("power_mw.'1'.dram_mw", nullValue())
                .extract().jsonPath();
        assertTrue(json.getLong("timestamp_ms") > 0);
        when().get("/cpu/get_power?cpu_ids=1").then().statusCode(200).body("power_mw.keySet()", contains("1"));
    }

    @Test
    void unknownCpuIsNamed() {
        when().get("/cpu/get_power?cpu_ids=2").then().statusCode(400)
                .body("error", equalTo("CPU 2 not found"));
        assertEquals(400, when().get("/cpu/get_power?cpu_ids=0&foo=bar").statusCode());
    }
}
