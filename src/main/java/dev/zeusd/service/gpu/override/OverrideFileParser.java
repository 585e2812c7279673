package dev.zeusd.service.gpu.override;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reads the TOML of {@code --gpu-command-overrides} into {@link CommandOverrides}, checking everything that can be
 * checked before a command ever runs: the tables and keys, the regex, the timeout, and every command's words and
 * placeholders. Each problem is one phrase naming the operation and the offending token.
 */
public final class OverrideFileParser {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Strict: no unknown keys, and no quietly turning {@code "60"} or {@code 1.5} into a timeout. */
    private static final TomlMapper MAPPER = TomlMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer,
                    CoercionAction.Fail).setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    /** One operation's table as written. */
    @RegisterForReflection
    record OperationTable(@JsonProperty("commands") List<String> commands,
            @JsonProperty("error_pattern") String errorPattern, @JsonProperty("timeout_s") Long timeoutS) {
    }

    private OverrideFileParser() {
    }

    public static CommandOverrides parse(String toml) {
        JsonNode root;
        try {
            root = MAPPER.readTree(toml);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new InvalidOverridesException("not valid TOML" + (line > 0 ? " (line " + line + ")" : "") + ": "
                    + firstLine(e.getOriginalMessage()));
        }
        Map<Operation, CommandOverride> overrides = new EnumMap<>(Operation.class);
        for (Iterator<Map.Entry<String, JsonNode>> tables = root.fields(); tables.hasNext();) {
            Map.Entry<String, JsonNode> table = tables.next();
            Operation operation = Operation.fromWireName(table.getKey())
                    .orElseThrow(() -> new InvalidOverridesException("unknown table [" + table.getKey()
                            + "]; the operations are " + Placeholders.wireNames()));
            if (!table.getValue().isObject()) {
                throw invalid(operation, "must be a table ([" + operation.wireName() + "])");
            }
            overrides.put(operation, validate(operation, read(operation, table.getValue())));
        }
        return new CommandOverrides(overrides);
    }

    private static OperationTable read(Operation operation, JsonNode table) {
        try {
            return MAPPER.treeToValue(table, OperationTable.class);
        } catch (UnrecognizedPropertyException e) {
            throw invalid(operation, "has an unknown key '" + e.getPropertyName()
                    + "' (known: commands, error_pattern, timeout_s)");
        } catch (JsonMappingException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw invalid(operation, "has " + key + " of the wrong type; it must be " + expectedType(key));
        } catch (JsonProcessingException e) {
            throw invalid(operation, "cannot be read: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static CommandOverride validate(Operation operation, OperationTable table) {
        if (table.commands() == null) {
            throw invalid(operation, "has no commands = [...]");
        }
        if (table.commands().isEmpty()) {
            throw invalid(operation, "has an empty commands list");
        }
        List<List<String>> commands = new ArrayList<>();
        for (String command : table.commands()) {
            commands.add(words(operation, command));
        }
        return new CommandOverride(operation, commands, errorPattern(operation, table.errorPattern()),
                timeout(operation, table.timeoutS()));
    }

    private static List<String> words(Operation operation, String command) {
        List<String> words;
        try {
            words = CommandWords.split(command);
        } catch (IllegalArgumentException e) {
            throw invalid(operation, "has a command with " + e.getMessage() + ": '" + command + "'");
        }
        if (words.isEmpty()) {
            throw invalid(operation, "has a command with no words: '" + command + "'");
        }
        for (String word : words) {
            String problem = Placeholders.problem(word, operation);
            if (problem != null) {
                throw invalid(operation, "has " + problem);
            }
        }
        return List.copyOf(words);
    }

    private static Optional<Pattern> errorPattern(Operation operation, String regex) {
        if (regex == null) {
            return Optional.empty();
        }
        if (regex.isEmpty()) {
            throw invalid(operation, "has an empty error_pattern, which would match every output");
        }
        try {
            return Optional.of(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw invalid(operation, "has an invalid error_pattern '" + regex + "': " + e.getDescription());
        }
    }

    /** A day: a control call that waits longer is a hung command, and the bound keeps every wait computable. */
    static final long MAX_TIMEOUT_S = 86_400;

    private static Duration timeout(Operation operation, Long seconds) {
        if (seconds == null) {
            return DEFAULT_TIMEOUT;
        }
        if (seconds <= 0 || seconds > MAX_TIMEOUT_S) {
            throw invalid(operation, "has timeout_s = " + seconds + "; it must be a whole number of seconds from 1 to "
                    + MAX_TIMEOUT_S);
        }
        return Duration.ofSeconds(seconds);
    }

    private static String expectedType(String key) {
        return switch (key) {
        case "commands" -> "a list of strings";
        case "error_pattern" -> "a string (a regular expression)";
        case "timeout_s" -> "a whole number of seconds";
        default -> "something else";
        };
    }

    private static InvalidOverridesException invalid(Operation operation, String problem) {
        return new InvalidOverridesException("operation '" + operation.wireName() + "' " + problem);
    }

    private static String firstLine(String message) {
        String text = String.valueOf(message).strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
