package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.zeusd.testsupport.Dist;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * The chart writes its probes by hand; the packaged daemon must answer them. Each probe's path is asked of a real
 * daemon's management listener (health paths and management root come from the app's own configuration), and the
 * probe's named port must be the port the chart's --management-bind-address binds. This replaces comparing with the
 * manifest quarkus-kubernetes generated, which needed that extension in every build (noise, a stray manifest).
 */
class QuarkusProbesIT {
    private static final List<String> PROBES = List.of("startupProbe", "livenessProbe", "readinessProbe");

    @Test
    void theDaemonAnswersTheChartsProbesOnTheManagementPort() throws Exception {
        RenderedChart chart = RenderedChart.render(t -> t.set("simulate", "true"));
        String bind = chart.arg("--management-bind-address");
        assertNotNull(bind, "the chart passes no --management-bind-address: " + chart.args());
        int chartPort = Integer.parseInt(bind.substring(bind.lastIndexOf(':') + 1));

        Path home = Dist.unpack();
        Path socket = Files.createTempDirectory("zeusd-probes").resolve("zeusd.sock");
        int port = ZeusdProcess.freeTcpPort(); // the chart's port number may be taken on a build machine
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(home.resolve("bin/zeusd").toString()), Map.of(),
                "serve", "--simulate", "--socket-path", socket.toString(), "--management-bind-address",
                "127.0.0.1:" + port)) {
            zeusd.awaitStarted(Duration.ofSeconds(30));
            for (String probe : PROBES) {
                JsonNode get = chart.container().path(probe).path("httpGet");
                assertFalse(get.isMissingNode(), "the chart has no " + probe);
                JsonNode named = chart.named(chart.container().path("ports"), get.path("port").asText());
                assertNotNull(named, probe + " names a port the container does not declare");
                assertEquals(chartPort, named.path("containerPort").asInt(),
                        probe + " does not point at the management port the chart binds");
                assertEquals(200, statusWithin(Duration.ofSeconds(10), "http://127.0.0.1:" + port
                        + get.path("path").asText()), probe + " " + get.path("path").asText());
            }
            zeusd.stop();
        }
    }

    /** Readiness may need a moment after start (the devices are read once); the others answer at once. */
    private static int statusWithin(Duration timeout, String url) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status == 200 || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(100);
        }
    }
}
