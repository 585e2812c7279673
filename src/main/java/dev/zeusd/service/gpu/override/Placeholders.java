package dev.zeusd.service.gpu.override;

import java.util.Map;

/** {@code {name}} placeholders in a command word: checked once at load, filled in for every call. */
final class Placeholders {
    private Placeholders() {
    }

    /**
     * Checks every brace in {@code word}: each {@code {} must close with a name the operation fills in.
     *
     * @return null if the word is fine, else what is wrong with it (a phrase naming the token)
     */
    static String problem(String word, OverridableOperation operation) {
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
                if (!operation.placeholders().contains(name)) {
                    return "unknown placeholder '{" + name + "}' in '" + word + "' (" + operation.wireName()
                            + " fills in " + operation.placeholderList() + ")";
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
