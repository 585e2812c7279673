package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/** The objects {@code helm template} renders for helm/zeusd, parsed, with lookups for the tests. */
final class RenderedChart {
    static final Path CHART = Path.of("helm/zeusd");
    static final String KUBE_VERSION = "1.30.0";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final List<JsonNode> objects;

    private RenderedChart(List<JsonNode> objects) {
        this.objects = objects;
    }

    static RenderedChart render(UnaryOperator<TemplateCommand> options) {
        String text = options.apply(template()).call();
        return new RenderedChart(parse(text));
    }

    /**
     * {@code helm template} as a user would run it: release and namespace "zeusd", a current Kubernetes, and the
     * image they built (the chart has no default image).
     */
    static TemplateCommand template() {
        return bare().set("image.registry", "registry.example.com").set("image.repository", "zeusd");
    }

    /** Only the chart's own defaults. */
    static TemplateCommand bare() {
        return new Helm(CHART).template().withName("zeusd").withNamespace("zeusd").withKubeVersion(KUBE_VERSION);
    }

    static List<JsonNode> parse(String yaml) {
        try {
            List<JsonNode> docs = new ArrayList<>();
            YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asText()).toList();
    }

    JsonNode one(String kind) {
        List<JsonNode> found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertEquals(1, found.size(), "exactly one " + kind + " in " + kinds());
        return found.get(0);
    }

    JsonNode podSpec() {
        return one("DaemonSet").path("spec").path("template").path("spec");
    }

    JsonNode container() {
        return podSpec().path("containers").get(0);
    }

    List<String> args() {
        return texts(container().path("args"));
    }

    /** The value following {@code flag} in the container args, or null if the flag is absent. */
    String arg(String flag) {
        List<String> args = args();
        int i = args.indexOf(flag);
        return i < 0 ? null : args.get(i + 1);
    }

    JsonNode named(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (name.equals(item.path("name").asText())) {
                return item;
            }
        }
        return null;
    }

    JsonNode volume(String name) {
        return named(podSpec().path("volumes"), name);
    }

    JsonNode mount(String name) {
        return named(container().path("volumeMounts"), name);
    }

    List<String> addedCapabilities() {
        return texts(container().path("securityContext").path("capabilities").path("add"));
    }

    Map<String, String> env() {
        Map<String, String> env = new java.util.TreeMap<>();
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
