package dev.zeusd.testsupport;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a power stream as the Zeus Python client does (both generations): split the body on blank lines, keep the
 * lines that start with {@code "data: "}, parse the rest as JSON. Anything else in the stream is ignored by the
 * client, so a test that parses this way sees exactly what a client sees.
 */
public final class ZeusStreamParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZeusStreamParser() {
    }

    public static List<JsonNode> events(List<String> rawEvents) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String raw : rawEvents) {
            for (String event : raw.split("\n\n")) {
                for (String line : event.split("\n")) {
                    if (line.startsWith("data: ")) {
                        try {
                            parsed.add(JSON.readTree(line.substring("data: ".length())));
                        } catch (JsonProcessingException e) {
                            throw new AssertionError("a Zeus client could not parse " + line, e);
                        }
                    }
                }
            }
        }
        return parsed;
    }

    /** The keys of a JSON object in the order they were sent. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
