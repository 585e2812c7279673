package dev.zeusd.ops;

import static dev.zeusd.testsupport.FakeKubelet.container;
import static dev.zeusd.testsupport.FakeKubelet.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeKubelet;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * The chart's dashboard queries, evaluated by a real Prometheus (Debian's) scraping the packaged daemon with pod
 * attribution on: every panel's query parses, runs and has a result, and the pod panels' own expressions share each
 * GPU's power out without counting a time-sliced GPU twice.
 */
class DashboardInPrometheusIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryRunsAndPodPanelsAddUpToTheGpus() throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        assumeTrue(Files.isExecutable(prometheus), "needs Debian's prometheus package (.ci/run installs it)");
        int management = ZeusdProcess.freeTcpPort();
        int promPort = ZeusdProcess.freeTcpPort();
        try (FakeKubelet kubelet = new FakeKubelet(dir.resolve("kubelet.sock"))) {
            // GPU 0 time-sliced between two pods of one namespace, GPU 1 whole to another, GPUs 2 and 3 idle
            kubelet.pods(pod("ml", "a", container("c", "nvidia.com/gpu", "0::0")),
                    pod("ml", "b", container("c", "nvidia.com/gpu", "0::1")),
                    pod("web", "w", container("c", "nvidia.com/gpu", "1")));
            try (ZeusdProcess zeusd = ZeusdProcess.start("serve", "--simulate", "--mode", "tcp", "--tcp-bind-address",
                    "127.0.0.1:" + ZeusdProcess.freeTcpPort(), "--management-bind-address", "127.0.0.1:" + management,
                    "--kubelet-pod-resources-socket", kubelet.socket().toString(), "--pod-attribution-interval", "1s")) {
                zeusd.awaitStarted(Duration.ofSeconds(30));
                Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                        global:
                          scrape_interval: 1s
                        scrape_configs:
                          - job_name: zeusd
                            metrics_path: /q/metrics
                            honor_labels: true
                            static_configs:
                              - targets: ['127.0.0.1:%d']
                                labels: {node: n1}
                        """.formatted(management));
                Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + promPort)
                        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
                try {
                    check(promPort);
                } finally {
                    server.destroy();
                    server.waitFor();
                }
            }
        }
    }

    private void check(int port) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!scraped(port) && System.nanoTime() < until) {
            Thread.sleep(250);
        }
        Thread.sleep(2_500); // a few scrapes, for the rate() and sum_over_time() panels
        JsonNode dashboard = JSON.readTree(Files.readString(Path.of("helm/zeusd/dashboards/zeusd.json")));
        Map<String, String> queries = new LinkedHashMap<>(); // each panel's expressions, keyed by title (and index)
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.put(
                p.path("title").asText() + " #" + queries.size(), instant(t.path("expr").asText()))));
        assertTrue(queries.size() >= 10, queries.toString());
        queries.forEach((panel, expr) -> {
            try {
                assertTrue(query(port, expr).size() > 0, panel + ": " + expr + " has no result");
            } catch (Exception e) {
                throw new AssertionError(panel, e);
            }
        });
        // the panel's own expression, at one evaluation time: namespaces add up to the assigned GPUs' power, and the
        // time-sliced GPU 0 counts once for namespace ml (its two pods a half each), not twice
        String byNamespace = panel(queries, "GPU power by namespace");
        String total = "sum(" + byNamespace + ") - sum(zeusd_gpu_power_watts{gpu=~\"0|1\"})";
        assertEquals(0.0, query(port, total).get(0).path("value").get(1).asDouble(), 1e-6);
        String gpu0 = "sum(zeusd_gpu_power_watts{gpu=\"0\"})";
        Map<String, Double> byName = new HashMap<>();
        query(port, "(" + byNamespace + ") / on () group_left " + gpu0).forEach(n -> byName.put(
                n.path("metric").path("namespace").asText(), n.path("value").get(1).asDouble()));
        assertEquals(Set.of("ml", "web"), byName.keySet());
        assertEquals(1.0, byName.get("ml"), 1e-6, "GPU 0 shared by ml's two pods, counted once");
        List<String> pods = new ArrayList<>();
        query(port, panel(queries, "GPU energy by pod")).forEach(n -> pods.add(n.path("metric").path("pod").asText()));
        assertEquals(List.of("a", "b", "w"), pods.stream().sorted().toList());
    }

    /**
     * A dashboard expression with Grafana's variables filled in; the energy panel's 30 s subquery step becomes 1 s
     * (and its factor with it), so that a Prometheus only seconds old already has samples on the steps.
     */
    private static String instant(String expr) {
        return expr.replace("$node", ".*").replace("$job", ".*").replace("$__range", "1m")
                .replace(":30s])) * 30", ":1s])) * 1");
    }

    private static String panel(Map<String, String> queries, String titleStart) {
        return queries.entrySet().stream().filter(e -> e.getKey().startsWith(titleStart)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no panel " + titleStart + ": " + queries.keySet()));
    }

    /** Whether Prometheus is up and has scraped the pod series (it takes a moment to start). */
    private static boolean scraped(int port) throws Exception {
        try {
            return query(port, "count(zeusd_gpu_pod_info)").size() > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The query's result vector; fails on a parse or evaluation error. */
    private static JsonNode query(int port, String expr) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("success", body.path("status").asText(), expr + " -> " + response.body());
        return body.path("data").path("result");
    }
}
