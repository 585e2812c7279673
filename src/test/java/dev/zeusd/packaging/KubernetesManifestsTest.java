package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * k8s/zeusd.yaml is the chart's default render (release and namespace "zeusd") plus the Namespace. Run with
 * {@code -Dregenerate.k8s=true} after changing the chart to rewrite it.
 */
class KubernetesManifestsTest {
    static final Path MANIFESTS = Path.of("k8s/zeusd.yaml");
    @Test
    void plainManifestsEqualTheChartsDefaultRender() throws IOException {
        // the chart's defaults, with its Namespace (Pod Security label) and the image name a local build gives
        String render = RenderedChart.bare().set("namespace.create", true).set("image.registry", "localhost")
                .set("image.repository", "zeusd").call();
        if (Boolean.getBoolean("regenerate.k8s")) {
            Files.writeString(MANIFESTS, """
                    # Generated from helm/zeusd with its default values (release and namespace "zeusd"); do not edit.
                    # Regenerate: ./mvnw test -Dtest=KubernetesManifestsTest -Dregenerate.k8s=true
                    # Apply:      kubectl apply -f k8s/zeusd.yaml, after replacing the image localhost/zeusd:0.1.0 with
                    #             the one you built and pushed (docs/deploy.md, "Container images").
                    """ + render);
        }
        List<JsonNode> expected = RenderedChart.parse(render);
        List<JsonNode> actual = RenderedChart.parse(Files.readString(MANIFESTS));
        assertEquals(expected, actual, "k8s/zeusd.yaml is out of date with helm/zeusd; regenerate it (see its header)");
    }
}
