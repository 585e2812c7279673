package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * quarkus-kubernetes derives probes from the application's own health and management settings at build time
 * (target/kubernetes). The chart writes its probes by hand; this keeps the two from drifting apart.
 */
class QuarkusProbesIT {
    static final Path GENERATED = Path.of("target/kubernetes/kubernetes.yml");

    @ParameterizedTest
    @ValueSource(strings = { "startupProbe", "livenessProbe", "readinessProbe" })
    void chartProbesAreTheOnesQuarkusDerives(String probe) throws Exception {
        List<JsonNode> generated = RenderedChart.parse(Files.readString(GENERATED));
        JsonNode quarkus = generated.stream().filter(o -> o.path("kind").asText().equals("DaemonSet")).findFirst()
                .orElseThrow().at("/spec/template/spec/containers/0/" + probe + "/httpGet");
        assertFalse(quarkus.isMissingNode(), "quarkus-kubernetes generated no " + probe);

        RenderedChart chart = RenderedChart.render(t -> t);
        JsonNode ours = chart.container().path(probe).path("httpGet");
        assertEquals(quarkus.path("path").asText(), ours.path("path").asText());
        JsonNode port = chart.named(chart.container().path("ports"), ours.path("port").asText());
        assertEquals(quarkus.path("port").asInt(), port.path("containerPort").asInt(),
                "the chart's " + probe + " port is not the management port Quarkus is configured with");
    }
}
