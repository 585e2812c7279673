package dev.zeusd.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.AuditCapture;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No --signing-key-path: the @RolesAllowed checks pass for everyone (the anonymous identity holds every enabled
 * group) and a token sent anyway is ignored, as the original ignores it.
 */
@QuarkusTest
class AuthOffTest {

    @Test
    void everyGroupIsOpenAndTokensAreIgnored() throws Exception {
        given().header("Authorization", "Bearer not-a-token").get("/gpu/get_power").then().statusCode(200);
        given().header("Authorization", "Bearer not-a-token").get("/cpu/get_power").then().statusCode(200);
        try (AuditCapture audit = new AuditCapture()) {
            given().header("Authorization", "Bearer not-a-token")
                    .post("/gpu/set_persistence_mode?gpu_ids=0&enabled=false&block=true").then().statusCode(200);
            assertEquals(1, audit.lines().size(), audit.lines().toString());
            assertTrue(audit.lines().get(0).contains(" caller=anonymous@"), audit.lines().get(0));
        }
    }

    @Test
    void authEndpointsDoNotExist() {
        given().get("/auth/whoami").then().statusCode(404)
                .body("error", equalTo("authentication is not enabled on this server"));
        given().get("/discover").then().statusCode(200).body("auth_required", equalTo(false));
    }
}
