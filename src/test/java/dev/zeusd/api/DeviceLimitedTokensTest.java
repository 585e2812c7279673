package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.auth.LegacyTokens;
import dev.zeusd.testsupport.AuditCapture;
import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.Management;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

/**
 * Auth on with every group, keyed with the key file of {@link LegacyTokens}: tokens issued before SmallRye JWT, tokens
 * limited to devices ({@code gpu_ids} / {@code cpu_ids}) on reads, writes, streams and whoami, and the verification
 * fixes (clock skew, padding, empty {@code sub}) as a client sees them. Simulated: GPUs 0-3, CPUs 0-1.
 */
@QuarkusTest
@TestProfile(DeviceLimitedTokensTest.LegacyKeyAllGroups.class)
class DeviceLimitedTokensTest {
    private static final byte[] KEY = read(LegacyTokens.KEY_FILE);
    private static final String ALL_SCOPES = "[\"gpu-read\",\"gpu-control\",\"cpu-read\"]";

    @TestHTTPResource("/")
    URL base;

    public static class LegacyKeyAllGroups implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zeusd.signing-key-path", LegacyTokens.KEY_FILE.toAbsolutePath().toString(), "zeusd.enable",
                    "gpu-control,gpu-read,cpu-read");
        }
    }

    private static byte[] read(java.nio.file.Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RequestSpecification as(String user, String limits) {
        return given().header("Authorization", "Bearer " + HandmadeJwt.hs256(KEY, "{\"sub\":\"" + user
                + "\",\"scopes\":" + ALL_SCOPES + limits + "}"));
    }

    @Test
    void tokensIssuedBeforeSmallRyeStillWork() {
        given().header("Authorization", "Bearer " + LegacyTokens.ALICE_NEVER_EXPIRES).get("/auth/whoami").then()
                .statusCode(200).body("sub", equalTo("legacy-alice"))
                .body("scopes", contains("gpu-read", "gpu-control")).body("$", not(hasKey("exp")))
                .body("$", not(hasKey("gpu_ids")));
        given().header("Authorization", "Bearer " + LegacyTokens.ALICE_NEVER_EXPIRES).get("/gpu/get_power").then()
                .statusCode(200).body("power_mw.keySet()", contains("0", "1", "2", "3"));
        given().header("Authorization", "Bearer " + LegacyTokens.BOB_CPU_READ).get("/cpu/get_power").then()
                .statusCode(200);
        given().header("Authorization", "Bearer " + LegacyTokens.BOB_CPU_READ).get("/gpu/get_power").then()
                .statusCode(403).body("error", equalTo("user 'legacy-bob' lacks scope 'gpu-read' (token scopes: cpu-read)"));
    }

    @Test
    void readsWithoutIdsReturnOnlyTheTokensDevices() {
        as("carol", ",\"gpu_ids\":[2,1]").get("/gpu/get_power").then().statusCode(200)
                .body("power_mw.keySet()", contains("1", "2"));
        as("carol", ",\"gpu_ids\":[2,1]").get("/gpu/get_power_limit").then().statusCode(200)
                .body("keySet()", contains("1", "2"));
        as("carol", ",\"gpu_ids\":[2,1]").get("/cpu/get_power").then().statusCode(200)
                .body("power_mw.keySet()", contains("0", "1"));
        as("dave", ",\"cpu_ids\":[1]").get("/cpu/get_cumulative_energy?cpu=true&dram=true").then().statusCode(200)
                .body("keySet()", contains("1"));
    }

    @Test
    void namingAnotherDeviceIs403NamingIt() {
        as("carol", ",\"gpu_ids\":[1,2]").get("/gpu/get_power_limit?gpu_ids=2").then().statusCode(200)
                .body("keySet()", contains("2"));
        as("carol", ",\"gpu_ids\":[1,2]").get("/gpu/get_power?gpu_ids=0,1,3").then().statusCode(403)
                .body("error", equalTo("user 'carol' may not use GPUs 0, 3 (token gpu_ids: 1, 2)"));
        as("dave", ",\"cpu_ids\":[1]").get("/cpu/get_power?cpu_ids=0").then().statusCode(403)
                .body("error", equalTo("user 'dave' may not use CPU 0 (token cpu_ids: 1)"));
        // an id the server does not have is still the 400 it always was
        as("carol", ",\"gpu_ids\":[1,2]").get("/gpu/get_power?gpu_ids=9").then().statusCode(400);
        as("erin", ",\"gpu_ids\":[7]").get("/gpu/get_power").then().statusCode(403)
                .body("error", equalTo("user 'erin' may use no GPU of this server (token gpu_ids: 7)"));
    }

    @Test
    void writesOnlyOnTheTokensGpus() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            as("carol", ",\"gpu_ids\":[1]").post("/gpu/set_persistence_mode?gpu_ids=0,1&enabled=true&block=true")
                    .then().statusCode(403)
                    .body("error", equalTo("user 'carol' may not use GPU 0 (token gpu_ids: 1)"));
            as("carol", ",\"gpu_ids\":[1]").post("/gpu/reset_gpu_locked_clocks?gpu_ids=3&block=true").then()
                    .statusCode(403);
            assertEquals(List.of(), audit.lines(), "a refused write touches no GPU");
            as("carol", ",\"gpu_ids\":[1]").post("/gpu/set_persistence_mode?gpu_ids=1&enabled=false&block=true")
                    .then().statusCode(200);
            assertEquals(1, audit.lines().size(), audit.lines().toString());
            assertTrue(audit.lines().get(0).contains(" caller=sub=carol gpu=1 "), audit.lines().toString());
        }
    }

    @Test
    @Timeout(30)
    void streamsCarryOnlyTheTokensDevices() throws Exception {
        String token = HandmadeJwt.hs256(KEY, "{\"sub\":\"carol\",\"scopes\":" + ALL_SCOPES + ",\"gpu_ids\":[1,3]}");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "gpu/stream_power"))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        Set<Integer> gpus = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<String> lines = response.body()) {
            // either dialect: per-device events name "gpu_id", snapshots key "power_mw" by id
            for (String line : lines.filter(l -> l.startsWith("data: ")).limit(20).toList()) {
                JsonNode event = json.readTree(line.substring("data: ".length()));
                if (event.has("gpu_id")) {
                    gpus.add(event.get("gpu_id").asInt());
                } else {
                    event.get("power_mw").fieldNames().forEachRemaining(id -> gpus.add(Integer.parseInt(id)));
                }
            }
        }
        assertEquals(Set.of(1, 3), gpus);
        as("dave", ",\"cpu_ids\":[1]").get("/cpu/stream_power?cpu_ids=0,1").then().statusCode(403)
                .body("error", equalTo("user 'dave' may not use CPU 0 (token cpu_ids: 1)"));
    }

    @Test
    void whoamiShowsTheLimits() {
        as("carol", ",\"gpu_ids\":[2,1]").get("/auth/whoami").then().statusCode(200)
                .body("gpu_ids", contains(1, 2)).body("$", not(hasKey("cpu_ids")));
        as("dave", ",\"cpu_ids\":[1],\"gpu_ids\":[]").get("/auth/whoami").then().statusCode(200)
                .body("cpu_ids", contains(1)).body("gpu_ids.size()", equalTo(0));
    }

    @Test
    void verificationFixesSeenByAClient() {
        long now = System.currentTimeMillis() / 1000;
        as("late-clock", ",\"exp\":" + (now - 59)).get("/auth/whoami").then().statusCode(200);
        String good = HandmadeJwt.hs256(KEY, "{\"sub\":\"alice\",\"scopes\":[\"gpu-read\"]}");
        for (String padded : List.of(good + "=", good + "==")) {
            given().header("Authorization", "Bearer " + padded).get("/gpu/get_power").then().statusCode(401)
                    .header("WWW-Authenticate", "Bearer realm=\"zeusd\"")
                    .body("error", equalTo("invalid token: not a well-formed HS256 JWT (base64url segments carry no "
                            + "'=' padding)"));
        }
        given().header("Authorization", "Bearer " + HandmadeJwt.hs256(KEY, "{\"sub\":\"\",\"scopes\":[\"gpu-read\"]}"))
                .get("/gpu/get_power").then().statusCode(401)
                .body("error", equalTo("invalid token: the 'sub' claim must name the user"));
        // exactly one challenge, ours, whichever way the token fails
        assertEquals(List.of("Bearer realm=\"zeusd\""), given().get("/gpu/get_power").then().statusCode(401)
                .extract().headers().getValues("WWW-Authenticate"));
        assertEquals(List.of("Bearer realm=\"zeusd\""), given().header("Authorization", "Bearer x.y.z")
                .get("/gpu/get_power").then().statusCode(401).extract().headers().getValues("WWW-Authenticate"));
        // unknown paths are 404 whatever the token, /discover and /time need none
        given().get("/gpu/no_such_endpoint").then().statusCode(404);
        given().header("Authorization", "Bearer garbage").get("/discover").then().statusCode(200);
    }

    private static String scrape(String token) {
        RequestSpecification request = token == null ? given()
                : given().header("Authorization", "Bearer " + token);
        return request.get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
    }

    private static String token(String scopes, String limits) {
        return HandmadeJwt.hs256(KEY, "{\"sub\":\"prometheus\",\"scopes\":" + scopes + limits + "}");
    }

    @Test
    void metricsNeedATokenAndShowOnlyWhatItsScopesRead() {
        given().get(Management.url("/q/metrics")).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"zeusd\"").body("error", startsWith("missing token"));
        given().header("Authorization", "Bearer " + HandmadeJwt.hs256("wrong key".getBytes(), "{\"sub\":\"x\"}"))
                .get(Management.url("/q/metrics")).then().statusCode(401).body("error", startsWith("invalid token"));
        given().get(Management.url("/q/health/ready")).then().statusCode(200); // probes stay open

        String gpu = scrape(token("[\"gpu-read\"]", ""));
        assertTrue(gpu.contains("zeusd_gpu_power_watts{gpu=\"3\""), gpu);
        assertFalse(gpu.contains("zeusd_cpu_") || gpu.contains("zeusd_dram_"), "RAPL series without cpu-read");
        assertTrue(gpu.contains("zeusd_device_calls_total"), "non-device series are shown to any valid token");

        String cpu = scrape(token("[\"cpu-read\"]", ""));
        assertTrue(cpu.contains("zeusd_cpu_package_energy_joules_total{cpu=\"1\"")
                && cpu.contains("zeusd_dram_energy_joules_total{cpu=\"0\""), cpu);
        assertFalse(cpu.contains("zeusd_gpu_"), "GPU series without gpu-read");

        String control = scrape(token("[\"gpu-control\"]", ""));
        assertFalse(control.contains("zeusd_gpu_") || control.contains("zeusd_cpu_"), control);

        String limited = scrape(token("[\"gpu-read\",\"cpu-read\"]", ",\"gpu_ids\":[1],\"cpu_ids\":[0]"));
        assertTrue(limited.contains("zeusd_gpu_power_watts{gpu=\"1\"")
                && limited.contains("zeusd_cpu_package_power_watts{cpu=\"0\""), limited);
        assertFalse(limited.contains("gpu=\"0\"") || limited.contains("gpu=\"2\"") || limited.contains("cpu=\"1\""),
                "series of devices the token does not name: " + limited);
    }
}
