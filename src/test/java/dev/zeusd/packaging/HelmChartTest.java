package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.zeusd.cli.ZeusdCommandLine;

/** helm lint and helm template (through helm-java, no helm binary) for every scenario under helm/zeusd/ci. */
class HelmChartTest {
    private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", "zeusd",
            "app.kubernetes.io/instance", "zeusd");

    static Stream<Path> scenarios() throws IOException {
        return Files.list(RenderedChart.CHART.resolve("ci")).filter(p -> p.toString().endsWith("-values.yaml"))
                .sorted();
    }

    private static RenderedChart scenario(String name) {
        return RenderedChart.render(t -> t.withValuesFile(RenderedChart.CHART.resolve("ci/" + name + "-values.yaml")));
    }

    /**
     * helm-java's lint takes no values file, so each scenario is linted as a copy of the chart whose values.yaml is
     * the defaults with the scenario merged in, which is what {@code helm lint --strict -f scenario} checks.
     */
    @ParameterizedTest
    @MethodSource("scenarios")
    void lintsStrictlyWithoutFindings(Path values, @TempDir Path tmp) throws IOException {
        Path chart = tmp.resolve("zeusd");
        try (Stream<Path> files = Files.walk(RenderedChart.CHART)) {
            for (Path file : files.toList()) {
                Path target = chart.resolve(RenderedChart.CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        List<JsonNode> scenario = RenderedChart.parse(Files.readString(values));
        if (!scenario.isEmpty()) {
            JsonNode defaults = RenderedChart.YAML.readTree(chart.resolve("values.yaml").toFile());
            RenderedChart.YAML.writeValue(chart.resolve("values.yaml").toFile(), merge(defaults, scenario.get(0)));
        }

        LintResult lint = new Helm(chart).lint().strict().call();
        assertFalse(lint.isFailed(), lint.getMessages().toString());
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                lint.getMessages().toString());
    }

    /** Helm's rule: maps merge key by key, anything else (lists included) replaces. */
    private static JsonNode merge(JsonNode defaults, JsonNode override) {
        if (!(defaults instanceof ObjectNode base) || !override.isObject()) {
            return override;
        }
        ObjectNode merged = base.deepCopy();
        override.fields().forEachRemaining(e -> merged.set(e.getKey(),
                merged.has(e.getKey()) ? merge(merged.get(e.getKey()), e.getValue()) : e.getValue()));
        return merged;
    }

    @Test
    void lintCatchesABrokenChart(@TempDir Path tmp) throws IOException {
        Path chart = Files.createDirectories(tmp.resolve("broken/templates"));
        Files.copy(RenderedChart.CHART.resolve("Chart.yaml"), chart.resolveSibling("Chart.yaml"));
        Files.writeString(chart.resolve("x.yaml"), "{{ .Values.missing.field }}");
        assertTrue(new Helm(chart.getParent()).lint().strict().call().isFailed());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyScenarioRendersADaemonSetTheDaemonAccepts(Path values) {
        RenderedChart chart = RenderedChart.render(t -> t.withValuesFile(values));
        JsonNode ds = chart.one("DaemonSet");
        // the selector is immutable: it must never carry the chart version
        Map<String, String> selector = RenderedChart.YAML.convertValue(ds.at("/spec/selector/matchLabels"),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
                });
        assertEquals(SELECTOR, selector);
        SELECTOR.forEach((k, v) -> assertEquals(v, ds.at("/spec/template/metadata/labels").path(k).asText()));
        assertEquals(1, ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt());
        for (JsonNode object : chart.objects) {
            assertEquals("zeusd-0.1.0", object.at("/metadata/labels").path("helm.sh/chart").asText(), object.toString());
        }
        JsonNode container = chart.container();
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("metrics", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals("0.0.0.0:9464", chart.arg("--management-bind-address"));
        assertEquals(0, chart.podSpec().at("/securityContext/runAsUser").asInt(-1));
        // every mount of the host is read-only, except the socket directory, the restore journal's directory and
        // AMD's device nodes (opened read-write, which a read-only mount refuses)
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = chart.volume(mount.path("name").asText());
            assertNotNull(volume, "mount without volume: " + mount);
            if (volume.has("hostPath") && !List.of("socket-dir", "state-dir", "kfd", "dri").contains(mount.path("name").asText())) {
                assertTrue(mount.path("readOnly").asBoolean(), "host mount not read-only: " + mount);
            }
        }
        // the rendered args are a command line the real CLI parses
        List<String> command = new ArrayList<>(chart.args());
        assertEquals("serve", command.get(0));
        ZeusdCommandLine.commandLine().parseArgs(command.toArray(String[]::new));
    }

    @Test
    void defaultsServeTheSocketOnTheNodeWithOnlySysAdmin() {
        RenderedChart chart = scenario("default");
        assertEquals(List.of("ServiceAccount", "Service", "DaemonSet"), chart.kinds());
        assertEquals("registry.example.com/zeusd:0.1.0", chart.container().path("image").asText());
        assertEquals("uds", chart.arg("--mode"));
        assertEquals("/run/zeusd/zeusd.sock", chart.arg("--socket-path"));
        assertEquals("666", chart.arg("--socket-permissions"));
        assertEquals("gpu-control,gpu-read,cpu-read", chart.arg("--enable"));
        assertEquals("/host/sys/class/powercap", chart.arg("--rapl-root"));
        assertEquals("device", chart.arg("--stream-format"));
        assertNull(chart.arg("--signing-key-path"));
        assertFalse(chart.args().contains("--simulate"));

        assertEquals("/run/zeusd", chart.volume("socket-dir").at("/hostPath/path").asText());
        assertEquals("DirectoryOrCreate", chart.volume("socket-dir").at("/hostPath/type").asText());
        assertFalse(chart.mount("socket-dir").path("readOnly").asBoolean());
        assertEquals("/sys/class/powercap", chart.volume("powercap").at("/hostPath/path").asText());
        assertEquals("/host/sys/class/powercap", chart.mount("powercap").path("mountPath").asText());
        assertEquals("/sys/devices/virtual/powercap", chart.volume("powercap-devices").at("/hostPath/path").asText());
        assertEquals("/host/sys/devices/virtual/powercap", chart.mount("powercap-devices").path("mountPath").asText());

        JsonNode security = chart.container().path("securityContext");
        assertFalse(security.path("privileged").asBoolean());
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals(List.of("ALL"), RenderedChart.texts(security.at("/capabilities/drop")));
        assertEquals(List.of("SYS_ADMIN"), chart.addedCapabilities());
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean());
        assertEquals("/tmp", chart.mount("tmp").path("mountPath").asText());
        assertTrue(chart.volume("tmp").has("emptyDir"));
        // no command: the image's entrypoint, the launcher with conf/jvm.options, starts zeusd as everywhere else
        assertTrue(chart.container().path("command").isMissingNode(), chart.container().toString());

        assertTrue(chart.podSpec().path("runtimeClassName").isMissingNode(), "the GPU operator's default runtime");
        assertEquals(Map.of("NVIDIA_VISIBLE_DEVICES", "all", "NVIDIA_DRIVER_CAPABILITIES", "utility"), chart.env());
        assertEquals("system-node-critical", chart.podSpec().path("priorityClassName").asText());
        assertFalse(chart.podSpec().path("automountServiceAccountToken").asBoolean(true));

        JsonNode service = chart.one("Service");
        assertEquals(List.of("metrics"), service.path("spec").path("ports").findValuesAsText("name"));
        assertEquals("Local", service.at("/spec/internalTrafficPolicy").asText());
    }

    @Test
    void tcpServesReadGroupsOnAPortWithoutCapabilities() {
        RenderedChart chart = scenario("tcp");
        assertEquals("tcp", chart.arg("--mode"));
        assertEquals("0.0.0.0:4938", chart.arg("--tcp-bind-address"));
        assertNull(chart.arg("--socket-path"));
        assertNull(chart.volume("socket-dir"));
        assertEquals("gpu-read,cpu-read", chart.arg("--enable"));
        assertEquals(List.of(), chart.addedCapabilities());
        JsonNode api = chart.named(chart.container().path("ports"), "api");
        assertEquals(4938, api.path("containerPort").asInt());
        assertEquals(4938, api.path("hostPort").asInt());
        assertEquals(List.of("api", "metrics"), chart.one("Service").path("spec").path("ports").findValuesAsText("name"));
        JsonNode monitor = chart.one("ServiceMonitor");
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals("zeusd", monitor.at("/spec/selector/matchLabels").path("app.kubernetes.io/name").asText());
    }

    @Test
    void authMountsTheSigningKeyFromTheSecret() {
        RenderedChart chart = scenario("auth");
        assertEquals("/etc/zeusd/auth/zeusd.key", chart.arg("--signing-key-path"));
        JsonNode secret = chart.volume("signing-key").path("secret");
        assertEquals("zeusd-signing-key", secret.path("secretName").asText());
        assertEquals(0400, secret.path("defaultMode").asInt());
        assertEquals("zeusd.key", secret.at("/items/0/key").asText());
        assertEquals("/etc/zeusd/auth", chart.mount("signing-key").path("mountPath").asText());
        assertTrue(chart.mount("signing-key").path("readOnly").asBoolean());
        assertEquals("660", chart.arg("--socket-permissions"));
        assertEquals("2000", chart.arg("--socket-gid"));
        assertEquals(List.of("SYS_ADMIN", "CHOWN"), chart.addedCapabilities());
        // /q/metrics needs a token with auth on: the ServiceMonitor brings one from a Secret
        JsonNode credentials = chart.one("ServiceMonitor").at("/spec/endpoints/0/authorization");
        assertEquals("Bearer", credentials.path("type").asText());
        assertEquals("zeusd-metrics-token", credentials.at("/credentials/name").asText());
        assertEquals("token", credentials.at("/credentials/key").asText());
    }

    @Test
    void simulatedNodesNeedNoHostAccess() {
        RenderedChart chart = scenario("simulate");
        assertTrue(chart.args().contains("--simulate"));
        assertNull(chart.arg("--rapl-root"));
        assertNull(chart.volume("powercap"));
        assertTrue(chart.podSpec().path("runtimeClassName").isMissingNode());
        assertTrue(chart.podSpec().path("priorityClassName").isMissingNode());
        assertEquals(Map.of(), chart.env());
        assertEquals(List.of(), chart.addedCapabilities());
    }

    @Test
    void nativeImageDefaultsToTcp() {
        RenderedChart chart = scenario("native");
        assertEquals("registry.example.com/zeusd@sha256:" + "0".repeat(64), chart.container().path("image").asText());
        assertEquals("tcp", chart.arg("--mode"));
        assertEquals("json", chart.arg("--log-format"));
        assertEquals("50", chart.arg("--gpu-power-poll-hz"));
        assertEquals("5", chart.arg("--cpu-power-poll-hz"));
        RenderedChart tagged = RenderedChart.render(t -> t.set("image.flavor", "native"));
        assertEquals("registry.example.com/zeusd:0.1.0-native", tagged.container().path("image").asText());
    }

    @Test
    void nvmlFromTheHostInsteadOfTheRuntime() {
        RenderedChart chart = scenario("nvml-hostpath");
        assertEquals("/host/nvml/libnvidia-ml.so.1", chart.arg("--nvml-library"));
        assertEquals("File", chart.volume("nvml").at("/hostPath/type").asText());
        assertEquals("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", chart.volume("nvml").at("/hostPath/path").asText());
        assertTrue(chart.mount("nvml").path("readOnly").asBoolean());
        assertTrue(chart.podSpec().path("runtimeClassName").isMissingNode());
        assertTrue(chart.container().at("/securityContext/privileged").asBoolean());
        assertNull(chart.arg("--rapl-root"), "cpu-read is not enabled");
        assertNull(chart.volume("tmp"), "root filesystem is writable");
    }

    @Test
    void amdGpusThroughAmdSmiWithRocmFromTheHost() {
        RenderedChart chart = scenario("amd");
        assertEquals("amdsmi", chart.arg("--gpu-backend"));
        assertEquals(Map.of("AMDSMI_LIB_DIR", "/host/rocm/lib"), chart.env());
        assertEquals("/opt/rocm/lib", chart.volume("rocm-lib").at("/hostPath/path").asText());
        assertTrue(chart.mount("rocm-lib").path("readOnly").asBoolean());
        assertEquals("CharDevice", chart.volume("kfd").at("/hostPath/type").asText());
        assertEquals("/dev/dri", chart.mount("dri").path("mountPath").asText());
        assertTrue(chart.podSpec().path("runtimeClassName").isMissingNode(), "no NVIDIA runtime on AMD nodes");
        assertNull(chart.volume("nvml"));
        assertEquals("auto", RenderedChart.render(t -> t).arg("--gpu-backend"));
        assertNull(RenderedChart.render(t -> t).volume("kfd"), "AMD devices only with gpuBackend amdsmi");
    }

    @Test
    void restoreKeepsTheJournalOnTheNodeAndSeesTheClientsProcesses() {
        RenderedChart chart = scenario("restore");
        assertEquals("/var/lib/zeusd", chart.arg("--state-dir"));
        assertTrue(chart.args().containsAll(List.of("--restore-on-shutdown", "--restore-on-client-exit")));
        assertEquals("/var/lib/zeusd", chart.volume("state-dir").at("/hostPath/path").asText());
        assertEquals("DirectoryOrCreate", chart.volume("state-dir").at("/hostPath/type").asText());
        assertEquals("/var/lib/zeusd", chart.mount("state-dir").path("mountPath").asText());
        assertTrue(chart.podSpec().path("hostPID").asBoolean(), "client pids of other pods");
        RenderedChart defaults = RenderedChart.render(t -> t);
        assertNull(defaults.arg("--state-dir"), "off by default: nothing restored, nothing mounted");
        assertNull(defaults.volume("state-dir"));
        assertTrue(defaults.podSpec().path("hostPID").isMissingNode());
        RenderedChart shutdownOnly = RenderedChart.render(t -> t.set("restore.onShutdown", true));
        assertTrue(shutdownOnly.podSpec().path("hostPID").isMissingNode(), "only client exit needs the host's pids");
        Exception tcp = assertThrows(Exception.class, () -> RenderedChart.render(t -> t.set("restore.onClientExit",
                true).set("transport.mode", "tcp").set("enable[0]", "gpu-read")));
        assertTrue(tcp.getMessage().contains("restore.onClientExit needs the Unix socket"), tcp.getMessage());
    }

    @Test
    void valuesTheDaemonWouldRefuseFailAtInstallTime() {
        // without the schema these would render, and the pods would crash-loop on a usage error
        for (String[] bad : new String[][] { { "enable[0]", "gpu-write" }, { "transport.mode", "udp" },
                { "gpuPowerPollHz", "0" }, { "logFormat", "xml" }, { "transport.uds.permissions", "rw-rw-rw-" },
                { "streamFormat", "events" }, { "nodePreset", "intel" } }) {
            Exception e = assertThrows(Exception.class, () -> RenderedChart.render(t -> t.set(bad[0], bad[1])),
                    String.join("=", bad));
            assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e.getMessage());
        }
        // the daemon's rule, in the schema: gpu-control over TCP needs tokens or the explicit opt-out
        Exception control = assertThrows(Exception.class, () -> RenderedChart.render(
                t -> t.set("transport.mode", "tcp").set("enable[0]", "gpu-control").set("enable[1]", "gpu-read")));
        assertTrue(control.getMessage().contains("values don't meet the specifications of the schema"),
                control.getMessage());
    }

    @Test
    void impossibleCombinationsFailWithAReason() {
        Exception nativeUds = assertThrows(Exception.class, () -> RenderedChart.render(
                t -> t.set("image.flavor", "native").set("transport.mode", "uds")));
        assertTrue(nativeUds.getMessage().contains("quarkus#25928"), nativeUds.getMessage());
        Exception noSecret = assertThrows(Exception.class, () -> RenderedChart.render(t -> t.set("auth.enabled", true)));
        assertTrue(noSecret.getMessage().contains("auth.existingSecret"), noSecret.getMessage());
        // the native flavor means TCP: control needs tokens there, as the daemon requires
        Exception nativeControl = assertThrows(Exception.class, () -> RenderedChart.render(
                t -> t.set("image.flavor", "native").set("enable[0]", "gpu-control").set("enable[1]", "gpu-read")));
        assertTrue(nativeControl.getMessage().contains("gpu-control over TCP without auth.enabled"),
                nativeControl.getMessage());
    }

    @Test
    void noDefaultImage() {
        Exception placeholder = assertThrows(Exception.class, () -> RenderedChart.bare().call());
        assertTrue(placeholder.getMessage().contains("image.repository is still the placeholder: build the image"),
                placeholder.getMessage());
    }

    @Test
    void gpuNodesByDefaultWithTheirTaintToleratedAndResourcesFromTheBenchmark() {
        JsonNode pod = scenario("default").one("DaemonSet").at("/spec/template/spec");
        assertEquals("true", pod.at("/nodeSelector").path("nvidia.com/gpu.present").asText());
        assertEquals("nvidia.com/gpu", pod.at("/tolerations/0/key").asText());
        assertEquals("amd.com/gpu", pod.at("/tolerations/1/key").asText());
        assertEquals("true", scenario("amd").one("DaemonSet").at("/spec/template/spec/nodeSelector")
                .path("feature.node.kubernetes.io/amd-gpu").asText());
        assertEquals("Exists", pod.at("/tolerations/0/operator").asText());
        assertEquals("NoSchedule", pod.at("/tolerations/0/effect").asText());
        assertTrue(pod.path("runtimeClassName").isMissingNode(), "no RuntimeClass unless asked");
        JsonNode resources = pod.at("/containers/0/resources");
        assertEquals("160Mi", resources.at("/requests/memory").asText());
        assertEquals("320Mi", resources.at("/limits/memory").asText());
        assertTrue(resources.at("/limits/cpu").isMissingNode(), "a CPU limit throttles control calls");
        JsonNode anywhere = RenderedChart.render(t -> t.set("nodePreset", "none").set("nodeSelector.pool", "a"))
                .one("DaemonSet").at("/spec/template/spec");
        assertEquals("{\"pool\":\"a\"}", anywhere.path("nodeSelector").toString());
        JsonNode kind = scenario("simulate").one("DaemonSet").at("/spec/template/spec");
        assertTrue(kind.path("nodeSelector").isMissingNode(), "simulated devices run on any node");
        assertEquals("nvidia", RenderedChart.render(t -> t.set("nvidia.runtimeClassName", "nvidia"))
                .one("DaemonSet").at("/spec/template/spec/runtimeClassName").asText());
    }

    @Test
    void enabledGroupsFollowTheTransport() {
        assertEquals("gpu-control,gpu-read,cpu-read", scenario("default").arg("--enable"));
        RenderedChart tcp = RenderedChart.render(t -> t.set("transport.mode", "tcp"));
        assertEquals("gpu-read,cpu-read", tcp.arg("--enable"));
        assertFalse(tcp.args().contains("--allow-unauthenticated-control"));
        assertEquals("gpu-control,gpu-read,cpu-read", scenario("tcp-control-auth").arg("--enable"));
        RenderedChart optedOut = RenderedChart.render(t -> t.set("transport.mode", "tcp")
                .set("enable[0]", "gpu-control").set("allowUnauthenticatedControl", true));
        assertTrue(optedOut.args().contains("--allow-unauthenticated-control"));
    }

    @Test
    void podAttributionMountsOnlyTheKubeletsPodResourcesDirectoryReadOnly() {
        RenderedChart chart = scenario("pod-attribution");
        assertEquals("/var/lib/kubelet/pod-resources/kubelet.sock", chart.arg("--kubelet-pod-resources-socket"));
        assertEquals("30s", chart.arg("--pod-attribution-interval"));
        assertEquals("/var/lib/kubelet/pod-resources", chart.volume("pod-resources").at("/hostPath/path").asText());
        assertEquals("Directory", chart.volume("pod-resources").at("/hostPath/type").asText());
        assertEquals("/var/lib/kubelet/pod-resources", chart.mount("pod-resources").path("mountPath").asText());
        assertTrue(chart.mount("pod-resources").path("readOnly").asBoolean());
        RenderedChart without = scenario("default");
        assertNull(without.arg("--kubelet-pod-resources-socket"), "off by default");
        assertNull(without.volume("pod-resources"));
        // nothing else changes: no API-server access (RBAC), same capabilities
        assertEquals(without.kinds(), chart.kinds());
        assertEquals(without.addedCapabilities(), chart.addedCapabilities());
        List<String> extraMounts = new ArrayList<>();
        chart.container().path("volumeMounts").forEach(m -> extraMounts.add(m.path("name").asText()));
        without.container().path("volumeMounts").forEach(m -> extraMounts.remove(m.path("name").asText()));
        assertEquals(List.of("pod-resources"), extraMounts);
    }

    @Test
    void metricsTlsMountsTheSecretAndPrometheusScrapesHttps() {
        RenderedChart chart = scenario("metrics-tls");
        assertEquals("/etc/zeusd/tls/tls.crt", chart.arg("--management-tls-cert"));
        assertEquals("/etc/zeusd/tls/tls.key", chart.arg("--management-tls-key"));
        assertEquals("/etc/zeusd/tls/ca.crt", chart.arg("--management-tls-client-ca"));
        JsonNode secret = chart.volume("management-tls").path("secret");
        assertEquals("zeusd-metrics-tls", secret.path("secretName").asText());
        assertTrue(secret.path("items").isMissingNode(), "the whole Secret: a subPath or item mount never rotates");
        assertEquals("/etc/zeusd/tls", chart.mount("management-tls").path("mountPath").asText());
        assertTrue(chart.mount("management-tls").path("readOnly").asBoolean());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("HTTPS", chart.container().at("/" + probe + "/httpGet/scheme").asText(), probe);
        }
        JsonNode endpoint = chart.one("ServiceMonitor").at("/spec/endpoints/0");
        assertEquals("https", endpoint.path("scheme").asText());
        assertEquals("prometheus-scrape-tls", endpoint.at("/tlsConfig/cert/secret/name").asText());
        assertEquals("zeusd.zeusd.svc", endpoint.at("/tlsConfig/serverName").asText());

        // without a tlsConfig of its own, Prometheus trusts the Secret's CA for the Service's name
        RenderedChart plain = RenderedChart.render(t -> t.set("prometheus.tls.secretName", "s")
                .set("prometheus.monitor.enabled", true));
        JsonNode tls = plain.one("ServiceMonitor").at("/spec/endpoints/0/tlsConfig");
        assertEquals("s", tls.at("/ca/secret/name").asText());
        assertEquals("ca.crt", tls.at("/ca/secret/key").asText());
        assertEquals("zeusd.zeusd.svc", tls.path("serverName").asText());
        assertNull(plain.arg("--management-tls-client-ca"));
        RenderedChart none = scenario("default");
        assertNull(none.arg("--management-tls-cert"));
        assertTrue(none.container().at("/readinessProbe/httpGet/scheme").isMissingNode());

        Exception noSecret = assertThrows(Exception.class, () -> RenderedChart.render(
                t -> t.set("prometheus.tls.clientAuth", true)));
        assertTrue(noSecret.getMessage().contains("prometheus.tls.clientAuth needs prometheus.tls.secretName"),
                noSecret.getMessage());
        Exception noClientCert = assertThrows(Exception.class, () -> RenderedChart.render(
                t -> t.set("prometheus.tls.secretName", "s").set("prometheus.tls.clientAuth", true)
                        .set("prometheus.monitor.enabled", true)));
        assertTrue(noClientCert.getMessage().contains("Prometheus needs a client certificate"),
                noClientCert.getMessage());
    }

    @Test
    void monitoringIntegrations() {
        RenderedChart chart = scenario("monitoring");
        assertEquals(List.of("Namespace", "ServiceAccount", "ConfigMap", "Service", "DaemonSet", "PrometheusRule",
                "ServiceMonitor"), chart.kinds());
        JsonNode namespace = chart.one("Namespace");
        assertEquals("zeusd", namespace.at("/metadata/name").asText());
        assertEquals("privileged", namespace.at("/metadata/labels").path("pod-security.kubernetes.io/enforce").asText());
        assertEquals("1", chart.one("ConfigMap").at("/metadata/labels").path("grafana_dashboard").asText());
        JsonNode relabel = chart.one("ServiceMonitor").at("/spec/endpoints/0/relabelings/0");
        assertEquals("[\"__meta_kubernetes_pod_node_name\"]", relabel.path("sourceLabels").toString());
        assertEquals("node", relabel.path("targetLabel").asText());
        // zeusd_gpu_pod_info's namespace/pod/container are the GPU's pod, not the scraped zeusd pod's
        assertTrue(chart.one("ServiceMonitor").at("/spec/endpoints/0/honorLabels").asBoolean());
        List<String> alerts = new ArrayList<>();
        chart.one("PrometheusRule").at("/spec/groups/0/rules").forEach(r -> alerts.add(r.path("alert").asText()));
        assertEquals(List.of("ZeusdDown", "ZeusdNotReady", "ZeusdDeviceDown", "ZeusdDeviceErrorsRising",
                "ZeusdGpuPowerAtLimit"), alerts);
        assertEquals("min by (node, device) (zeusd_device_up{job=\"zeusd\"}) == 0",
                chart.one("PrometheusRule").at("/spec/groups/0/rules/2/expr").asText());
        assertTrue(scenario("default").kinds().stream().noneMatch(k -> k.equals("PrometheusRule")
                || k.equals("ConfigMap") || k.equals("Namespace")), "integrations are off by default");
    }
}
