package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * k8s/zeusd.yaml is the chart's default render (release and namespace "zeusd") plus the Namespace. Run with
 * {@code -Dregenerate.k8s=true} after changing the chart to rewrite it.
 */
class KubernetesManifestsTest {
    static final Path MANIFESTS = Path.of("k8s/zeusd.yaml");
    static final String NAMESPACE = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: zeusd
              labels:
                app.kubernetes.io/part-of: zeusd
                # the daemon needs host paths and capabilities
                pod-security.kubernetes.io/enforce: privileged
            """;

    @Test
    void plainManifestsEqualTheChartsDefaultRender() throws IOException {
        String render = RenderedChart.template().call();
        if (Boolean.getBoolean("regenerate.k8s")) {
            Files.writeString(MANIFESTS, """
                    # Generated from helm/zeusd with its default values (release and namespace "zeusd"); do not edit.
                    # Regenerate: ./mvnw test -Dtest=KubernetesManifestsTest -Dregenerate.k8s=true
                    # Apply:      kubectl apply -f k8s/zeusd.yaml
                    ---
                    """ + NAMESPACE + render);
        }
        List<JsonNode> expected = new ArrayList<>(RenderedChart.parse(NAMESPACE));
        expected.addAll(RenderedChart.parse(render));
        List<JsonNode> actual = RenderedChart.parse(Files.readString(MANIFESTS));
        assertEquals(expected, actual, "k8s/zeusd.yaml is out of date with helm/zeusd; regenerate it (see its header)");
    }
}
