package dev.zeusd.cli;

import static dev.zeusd.testsupport.FakeKubelet.container;
import static dev.zeusd.testsupport.FakeKubelet.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.testsupport.FakeAmdSmi;
import dev.zeusd.testsupport.FakeKubelet;
import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.HandmadeJwt;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * Pod attribution on the packaged daemon, with the fake NVML or AMD SMI and a fake kubelet (a real gRPC server on a
 * Unix socket): {@code /gpu/get_pods} and {@code zeusd_gpu_pod_info} follow the kubelet's list for whole, time-sliced
 * and MIG NVIDIA GPUs and AMD GPUs by PCI address; the kubelet is called on schedule only; its failures cost the
 * attribution and nothing else.
 */
class PodAttributionIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final String UUID = "GPU-fa4e0000-0000-4000-8000-00000000000";
    private static final String MIG_OF_GPU2 = "MIG-fa4e0000-0000-4000-8000-000000020001";
    /** Slot 2 of GPU 2: there only once the GPU is partitioned into three. */
    private static final String MIG_OF_GPU2_SLOT2 = "MIG-fa4e0000-0000-4000-8000-000000020002";
    private static final String MIG_OF_NO_GPU = "MIG-fa4e0000-0000-4000-8000-000000090001";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private int api;
    private int management;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private FakeKubelet kubelet() throws Exception {
        FakeKubelet kubelet = new FakeKubelet(dir.resolve("kubelet.sock"));
        closing.add(kubelet);
        return kubelet;
    }

    private ZeusdProcess daemon(Map<String, String> environment, FakeKubelet kubelet, String interval,
            String... flags) throws Exception {
        api = ZeusdProcess.freeTcpPort();
        management = ZeusdProcess.freeTcpPort();
        List<String> args = new ArrayList<>(List.of("serve", "--allow-unprivileged", "--mode", "tcp",
                "--tcp-bind-address", "127.0.0.1:" + api, "--management-bind-address", "127.0.0.1:" + management,
                "--kubelet-pod-resources-socket", kubelet.socket().toString(), "--pod-attribution-interval", interval));
        args.addAll(List.of(flags));
        ZeusdProcess zeusd = ZeusdProcess.start(environment, args.toArray(String[]::new));
        closing.add(zeusd);
        zeusd.awaitStarted(START);
        return zeusd;
    }

    private ZeusdProcess nvmlDaemon(FakeKubelet kubelet, String interval) throws Exception {
        Path mig = Files.writeString(dir.resolve("mig"), "2 2\n");
        return daemon(Map.of("FAKE_NVML_MIG_FILE", mig.toString()), kubelet, interval, "--gpu-backend", "nvml",
                "--nvml-library", FakeNvmlHooks.libraryPath(), "--enable", "gpu-read");
    }

    private String pods(String query) throws Exception {
        UdsHttpClient.Response response = UdsHttpClient.tcp(api).get("/gpu/get_pods" + query);
        assertEquals(200, response.status(), response.body());
        return response.body();
    }

    private String scrape() throws Exception {
        UdsHttpClient.Response response = UdsHttpClient.tcp(management).get("/q/metrics");
        assertEquals(200, response.status());
        return response.body();
    }

    private static List<String> lines(String exposition, String metric) {
        return exposition.lines().filter(l -> l.startsWith(metric + "{")).toList();
    }

    /** Polls until {@code body} of get_pods matches, at most {@code limit}; returns the last body. */
    private String awaitPods(String query, Predicate<String> wanted, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        String body = pods(query);
        while (!wanted.test(body) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            body = pods(query);
        }
        return body;
    }

    private static String entry(String namespace, String pod, String container) {
        return "{\"namespace\":\"" + namespace + "\",\"pod\":\"" + pod + "\",\"container\":\"" + container + "\"}";
    }

    @Test
    void nvidiaGpusWholeTimeSlicedAndMigFollowThePods() throws Exception {
        FakeKubelet kubelet = kubelet();
        kubelet.pods(pod("ml", "train-7f", container("trainer", "nvidia.com/gpu", UUID + "0")),
                pod("a", "shared-a", container("c", "nvidia.com/gpu", UUID + "1::0")),
                pod("b", "shared-b", container("c", "nvidia.com/gpu", UUID + "1::1")),
                pod("mig", "infer", container("server", "nvidia.com/mig-1g.10gb", MIG_OF_GPU2)),
                pod("x", "fpga", container("f", "example.com/fpga", UUID + "3")));
        ZeusdProcess zeusd = nvmlDaemon(kubelet, "1s");
        String expected = "{\"0\":[" + entry("ml", "train-7f", "trainer") + "],\"1\":[" + entry("a", "shared-a", "c")
                + "," + entry("b", "shared-b", "c") + "],\"2\":[" + entry("mig", "infer", "server") + "],\"3\":[]}";
        assertEquals(expected, awaitPods("", expected::equals, Duration.ofSeconds(5)));

        String metrics = scrape();
        List<String> info = lines(metrics, "zeusd_gpu_pod_info");
        assertEquals(4, info.size(), String.join("\n", info));
        assertTrue(info.stream().anyMatch(l -> l.contains("container=\"trainer\"") && l.contains("gpu=\"0\"")
                && l.contains("namespace=\"ml\"") && l.contains("pod=\"train-7f\"")
                && l.contains("uuid=\"" + UUID + "0\"")
                && l.endsWith(" 1.0")), String.join("\n", info));
        assertEquals(2, info.stream().filter(l -> l.contains("gpu=\"1\"")).count());
        assertEquals(1, lines(metrics, "zeusd_gpu_power_watts").stream().filter(l -> l.contains("gpu=\"1\"")).count(),
                "a shared GPU's power stays one series");
        assertEquals(List.of("zeusd_pod_attribution_up 1.0"), metrics.lines()
                .filter(l -> l.startsWith("zeusd_pod_attribution_up")).toList());
        assertDashboardQueriesExported(metrics);

        // pods stop and start: the next list, one interval later, says so
        kubelet.pods(pod("a", "shared-a", container("c", "nvidia.com/gpu", UUID + "1::0")),
                pod("ml", "train-8a", container("trainer", "nvidia.com/gpu", UUID + "3")));
        String next = "{\"0\":[],\"1\":[" + entry("a", "shared-a", "c") + "],\"2\":[],\"3\":["
                + entry("ml", "train-8a", "trainer") + "]}";
        assertEquals(next, awaitPods("", next::equals, Duration.ofSeconds(3)));
        assertEquals("{\"3\":[" + entry("ml", "train-8a", "trainer") + "]}", pods("?gpu_ids=3"));
        assertEquals(List.of("gpu=\"1\"", "gpu=\"3\""), lines(scrape(), "zeusd_gpu_pod_info").stream()
                .map(l -> l.replaceFirst(".*(gpu=\"\\d\").*", "$1")).sorted().toList());

        // GPU 2 repartitioned while zeusd runs: its new MIG device is found; one of no GPU here changes nothing
        Files.writeString(dir.resolve("mig"), "2 3\n");
        kubelet.pods(pod("mig", "infer-2", container("server", "nvidia.com/mig-1g.10gb", MIG_OF_GPU2_SLOT2)),
                pod("mig", "elsewhere", container("server", "nvidia.com/mig-1g.10gb", MIG_OF_NO_GPU)));
        String repartitioned = "{\"0\":[],\"1\":[],\"2\":[" + entry("mig", "infer-2", "server") + "],\"3\":[]}";
        assertEquals(repartitioned, awaitPods("", repartitioned::equals, Duration.ofSeconds(3)));
        assertTrue(zeusd.isAlive());
    }

    @Test
    void requestsAndScrapesNeverCallTheKubelet() throws Exception {
        FakeKubelet kubelet = kubelet();
        kubelet.pods(pod("ml", "train", container("t", "nvidia.com/gpu", UUID + "0")));
        nvmlDaemon(kubelet, "600s");
        awaitPods("", body -> body.contains("train"), Duration.ofSeconds(5));
        int calls = kubelet.listCalls();
        assertEquals(1, calls, "one list at start");
        for (int i = 0; i < 25; i++) {
            pods("?gpu_ids=0");
            scrape();
        }
        assertEquals(calls, kubelet.listCalls());
    }

    @Test
    void aKubeletThatRefusesOrVanishesCostsOnlyTheAttribution() throws Exception {
        FakeKubelet kubelet = kubelet();
        kubelet.pods(pod("ml", "train", container("t", "nvidia.com/gpu", UUID + "0")));
        ZeusdProcess zeusd = nvmlDaemon(kubelet, "1s");
        awaitPods("", body -> body.contains("train"), Duration.ofSeconds(5));

        kubelet.refuse(true);
        String empty = "{\"0\":[],\"1\":[],\"2\":[],\"3\":[]}";
        // the last good list is kept for one more interval, then dropped: gone within three
        assertEquals(empty, awaitPods("", empty::equals, Duration.ofSeconds(4)));
        String metrics = scrape();
        assertEquals(List.of(), lines(metrics, "zeusd_gpu_pod_info"));
        assertTrue(metrics.contains("zeusd_pod_attribution_up 0.0"));
        assertEquals(200, UdsHttpClient.tcp(management).get("/q/health/ready").status());
        assertEquals(200, UdsHttpClient.tcp(api).get("/gpu/get_power").status());

        kubelet.refuse(false);
        awaitPods("", body -> body.contains("train"), Duration.ofSeconds(3));
        kubelet.vanish();
        assertEquals(empty, awaitPods("", empty::equals, Duration.ofSeconds(4)));
        assertEquals(200, UdsHttpClient.tcp(management).get("/q/health/ready").status());
        kubelet.reappear();
        assertTrue(awaitPods("", body -> body.contains("train"), Duration.ofSeconds(3)).contains("train"));

        List<String> outages = zeusd.stderr().lines().filter(l -> l.contains("did not list pod resources")).toList();
        assertEquals(2, outages.size(), "one line per outage: " + outages);
        assertTrue(outages.get(0).contains("UNAVAILABLE"), outages.get(0));
        assertTrue(zeusd.isAlive());
    }

    @Test
    void amdGpusByPciAddressAndDeviceLimitedTokens() throws Exception {
        FakeKubelet kubelet = kubelet();
        kubelet.pods(pod("ml", "rocm-0", container("c", "amd.com/gpu", "0000:C1:00.0")),
                pod("ml", "rocm-1", container("c", "amd.com/gpu", "0001:05:00.1")));
        byte[] key = HandmadeJwt.opensslStyleKey();
        Path keyFile = Files.write(dir.resolve("signing.key"), key);
        Map<String, String> environment = new HashMap<>(new FakeAmdSmi(dir).environment("abi26"));
        daemon(environment, kubelet, "1s", "--gpu-backend", "amdsmi", "--enable", "gpu-read", "--signing-key-path",
                keyFile.toString());
        long now = System.currentTimeMillis() / 1000;
        String all = HandmadeJwt.hs256(key, "{\"sub\":\"ops\",\"scopes\":[\"gpu-read\"],\"iat\":" + now + ",\"exp\":"
                + (now + 3600) + "}");
        String gpu1 = HandmadeJwt.hs256(key, "{\"sub\":\"job\",\"scopes\":[\"gpu-read\"],\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + ",\"gpu_ids\":[1]}");
        String expected = "{\"0\":[" + entry("ml", "rocm-0", "c") + "],\"1\":[" + entry("ml", "rocm-1", "c") + "]}";
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> both = get(api, "/gpu/get_pods", all);
        while (!expected.equals(both.body()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            both = get(api, "/gpu/get_pods", all);
        }
        assertEquals(expected, both.body());
        assertEquals("{\"1\":[" + entry("ml", "rocm-1", "c") + "]}", get(api, "/gpu/get_pods", gpu1).body());
        HttpResponse<String> other = get(api, "/gpu/get_pods?gpu_ids=0", gpu1);
        assertEquals(403, other.statusCode(), other.body());
        List<String> seen = lines(get(management, "/q/metrics", gpu1).body(), "zeusd_gpu_pod_info");
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.get(0).contains("gpu=\"1\"") && seen.get(0).contains("pod=\"rocm-1\""), seen.get(0));
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The dashboard's pod panels query only what this scrape exports (the other panels: OperationsTest). */
    private static void assertDashboardQueriesExported(String metrics) throws Exception {
        TreeSet<String> exported = new TreeSet<>();
        Matcher names = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE).matcher(metrics);
        while (names.find()) {
            exported.add(names.group(1));
        }
        String dashboard = Files.readString(Path.of("helm/zeusd/dashboards/zeusd.json"));
        String jsonString = "[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*"; // a JSON string's body, escapes included
        Matcher panel = Pattern.compile("\"expr\": \"(" + jsonString + "zeusd_gpu_pod_info" + jsonString + ")\"")
                .matcher(dashboard);
        int panels = 0;
        while (panel.find()) {
            panels++;
            Matcher used = Pattern.compile("\\bzeusd_[a-z0-9_]+\\b").matcher(panel.group(1));
            while (used.find()) {
                String metric = used.group();
                assertTrue(exported.contains(metric) || exported.contains(metric.replaceFirst("_total$", "")),
                        metric + " is queried by a pod panel but not exported");
            }
        }
        assertTrue(panels >= 2, "the dashboard has its power-by-namespace and energy-by-pod panels");
    }
}
