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
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeKubelet;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * The chart's dashboard queries, evaluated by a real Prometheus (Debian's) scraping the packaged daemon with pod
 * attribution on: every query parses and runs, and the pod panels share each GPU's power out without counting a
 * time-sliced GPU twice.
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
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        assertTrue(queries.size() >= 10, queries.toString());
        for (String expr : queries) {
            query(port, expr.replace("$node", ".*").replace("$job", ".*").replace("$__range", "1m"));
        }
        // at one evaluation time: namespaces add up to the assigned GPUs' power, a shared GPU split in two
        String share = "(zeusd_gpu_pod_info / on (node, gpu) group_left count by (node, gpu) (zeusd_gpu_pod_info))";
        String byNamespace = "sum by (namespace) (zeusd_gpu_power_watts * on (node, gpu) group_right () " + share + ")";
        String check = "sum(" + byNamespace + ") - sum(zeusd_gpu_power_watts{gpu=~\"0|1\"})";
        assertEquals(0.0, query(port, check).get(0).path("value").get(1).asDouble(), 1e-6);
        String halves = "sum by (pod) (zeusd_gpu_power_watts * on (node, gpu) group_right () " + share
                + ") / on () group_left sum(zeusd_gpu_power_watts{gpu=\"0\"})";
        int shared = 0;
        for (JsonNode pod : query(port, halves)) {
            if (List.of("a", "b").contains(pod.path("metric").path("pod").asText())) {
                assertEquals(0.5, pod.path("value").get(1).asDouble(), 1e-6, pod.toString());
                shared++;
            }
        }
        assertEquals(2, shared, "both pods on the time-sliced GPU");
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
