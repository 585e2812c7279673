package dev.zeusd.service.gpu.override;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/** {@code {name}} placeholders in a command word: checked once at load, filled in for every call. */
final class Placeholders {
    private Placeholders() {
    }

    /** The placeholder names (without braces) {@code operation} fills in, {@code gpu_id} first. */
    static List<String> names(Operation operation) {
        List<String> names = new ArrayList<>();
        names.add(CommandOverride.GPU_ID);
        names.addAll(operation.placeholders());
        return names;
    }

    /** Every operation an override file may name, for messages. */
    static String wireNames() {
        return Arrays.stream(Operation.values()).map(Operation::wireName).collect(Collectors.joining(", "));
    }

    /**
     * Checks every brace in {@code word}: each {@code {} must close with a name the operation fills in.
     *
     * @return null if the word is fine, else what is wrong with it (a phrase naming the token)
     */
    static String problem(String word, Operation operation) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '}') {
                return "a stray '}' in '" + word + "'";
            }
            if (c == '{') {
                int end = closing(word, i);
                if (end < 0) {
                    return "an unclosed '{' in '" + word + "'";
                }
                String name = word.substring(i + 1, end);
                if (!names(operation).contains(name)) {
                    return "unknown placeholder '{" + name + "}' in '" + word + "' (" + operation.wireName()
                            + " fills in " + names(operation).stream().map(n -> "{" + n + "}")
                                    .collect(Collectors.joining(", ")) + ")";
                }
                i = end;
            }
        }
        return null;
    }

    /** The index of the '}' closing the '{' at {@code open}, or -1 if another brace or the end comes first. */
    private static int closing(String word, int open) {
        for (int i = open + 1; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '}') {
                return i;
            }
            if (c == '{') {
                return -1;
            }
        }
        return -1;
    }

    /** Fills in a word that passed {@link #problem}; one pass, so a value is never substituted again. */
    static String substitute(String word, Map<String, String> values) {
        StringBuilder result = new StringBuilder(word.length() + 16);
        int i = 0;
        while (i < word.length()) {
            int open = word.indexOf('{', i);
            if (open < 0) {
                break;
            }
            int end = word.indexOf('}', open);
            String value = values.get(word.substring(open + 1, end));
            if (value == null) {
                throw new IllegalStateException("no value for " + word.substring(open, end + 1));
            }
            result.append(word, i, open).append(value);
            i = end + 1;
        }
        return result.append(word, i, word.length()).toString();
    }
}
