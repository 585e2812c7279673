package dev.zeusd.service.gpu.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandWordsTest {
    @Test
    void splitsLikeAShellWithoutExpandingAnything() {
        assertEquals(List.of("sudo", "/usr/bin/nvidia-smi", "-i", "{gpu_id}", "-pl", "{power_limit_w}"),
                CommandWords.split("  sudo /usr/bin/nvidia-smi\t-i {gpu_id}  -pl {power_limit_w} "));
        assertEquals(List.of("a b", "c\"d", "$HOME", "*", "e f", "", "x|y", ">out"),
                CommandWords.split("'a b' \"c\\\"d\" $HOME * e\\ f '' x|y >out"));
        assertEquals(List.of("--value=two words"), CommandWords.split("--value=\"two words\""));
    }

    @Test
    void unclosedQuotesAndTrailingBackslashesAreErrors() {
        assertEquals("an unclosed single quote", assertThrows(IllegalArgumentException.class,
                () -> CommandWords.split("tool 'x")).getMessage());
        assertEquals("an unclosed double quote", assertThrows(IllegalArgumentException.class,
                () -> CommandWords.split("tool \"x")).getMessage());
        assertEquals("a trailing backslash", assertThrows(IllegalArgumentException.class,
                () -> CommandWords.split("tool x\\")).getMessage());
    }

    @Test
    void joinQuotesOnlyWhatNeedsIt() {
        List<String> words = List.of("/bin/tool", "--gpu=3:253999:253", "two words", "it's", "");
        String line = CommandWords.join(words);
        assertEquals("/bin/tool --gpu=3:253999:253 'two words' 'it'\\''s' ''", line);
        assertEquals(words, CommandWords.split(line));
    }
}
