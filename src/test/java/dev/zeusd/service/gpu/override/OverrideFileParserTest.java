package dev.zeusd.service.gpu.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/** The override file's TOML: what loads, and the one phrase for each thing that does not. */
class OverrideFileParserTest {
    private static String problem(String toml) {
        return assertThrows(InvalidOverridesException.class, () -> OverrideFileParser.parse(toml)).getMessage();
    }

    @Test
    void loadsAllSevenOperationsWithTheirFields() {
        CommandOverrides overrides = OverrideFileParser.parse("""
                [set_persistence_mode]
                commands = ["tool --gpu={gpu_id} --enabled={enabled}"]
                error_pattern = "(?i)error"
                timeout_s = 1
                [set_power_limit]
                commands = ["tool {gpu_id} {power_limit_mw} {power_limit_w}"]
                [set_gpu_locked_clocks]
                commands = ["tool {gpu_id} {min_clock_mhz} {max_clock_mhz}", "tool 'two words' \\"{gpu_id}\\""]
                [reset_gpu_locked_clocks]
                commands = ["tool {gpu_id}"]
                [set_mem_locked_clocks]
                commands = ["tool {min_clock_mhz}:{max_clock_mhz}"]
                [reset_mem_locked_clocks]
                commands = ["tool"]
                [reset_locked_clocks]
                commands = ["sudo /usr/local/bin/reset-clocks"]
                timeout_s = 7
                """);
        assertEquals(List.of("set_persistence_mode", "set_power_limit", "set_gpu_locked_clocks",
                "reset_gpu_locked_clocks", "set_mem_locked_clocks", "reset_mem_locked_clocks", "reset_locked_clocks"),
                overrides.operationNames());
        CommandOverride persistence = overrides.forOperation(Operation.SET_PERSISTENCE_MODE).orElseThrow();
        assertEquals(Duration.ofSeconds(1), persistence.timeout());
        assertEquals("(?i)error", persistence.errorPattern().orElseThrow().pattern());
        assertEquals(List.of(List.of("tool", "{gpu_id}", "{min_clock_mhz}", "{max_clock_mhz}"),
                List.of("tool", "two words", "{gpu_id}")),
                overrides.forOperation(Operation.SET_GPU_LOCKED_CLOCKS).orElseThrow().commands());
        assertEquals(Duration.ofSeconds(7), overrides.forOperation(Operation.RESET_LOCKED_CLOCKS)
                .orElseThrow().timeout());
        assertEquals(Duration.ofSeconds(60), overrides.forOperation(Operation.SET_POWER_LIMIT).orElseThrow().timeout());
        assertTrue(overrides.forOperation(Operation.SET_POWER_LIMIT).orElseThrow().errorPattern().isEmpty());
    }

    /** docs/overrides.md promises a complete example: it must load, all seven operations. */
    @Test
    void theDocumentedExampleLoads() throws IOException {
        String readme = Files.readString(Path.of("docs/overrides.md"));
        int start = readme.indexOf("```toml\n# /etc/zeusd/gpu-command-overrides.toml");
        assertTrue(start >= 0, "docs/overrides.md lacks the example override file");
        String toml = readme.substring(readme.indexOf('\n', start) + 1, readme.indexOf("```", start + 7));
        CommandOverrides overrides = OverrideFileParser.parse(toml);
        assertEquals(Operation.values().length, overrides.operationNames().size());
        assertEquals(List.of("sudo", "-n", "/usr/bin/nvidia-smi", "-i", "{gpu_id}", "--power-limit={power_limit_w}"),
                overrides.forOperation(Operation.SET_POWER_LIMIT).orElseThrow().commands().get(0));
    }

    @Test
    void anyEmptyFileOverridesNothing() {
        assertTrue(OverrideFileParser.parse("# nothing yet\n").isEmpty());
        assertTrue(OverrideFileParser.parse("[reset_locked_clocks]\ncommands = [\"x\"]\n")
                .forOperation(Operation.SET_POWER_LIMIT).isEmpty());
    }

    @Test
    void unknownTablesAndKeysAreRefused() {
        assertEquals("unknown table [set_fan_speed]; the operations are set_persistence_mode, set_power_limit, "
                + "set_gpu_locked_clocks, reset_gpu_locked_clocks, set_mem_locked_clocks, reset_mem_locked_clocks, "
                + "reset_locked_clocks", problem("[set_fan_speed]\ncommands = [\"tool {gpu_id}\"]\n"));
        assertEquals("operation 'set_power_limit' has an unknown key 'working_dir' (known: commands, error_pattern, "
                + "timeout_s)", problem("[set_power_limit]\ncommands = [\"tool\"]\nworking_dir = \"/tmp\"\n"));
        assertTrue(problem("commands = [\"tool\"]\n").startsWith("unknown table [commands]"));
        assertEquals("operation 'set_power_limit' must be a table ([set_power_limit])", problem("set_power_limit = 5\n"));
    }

    @Test
    void commandsMustBeANonEmptyListOfStrings() {
        assertEquals("operation 'set_power_limit' has an empty commands list", problem("[set_power_limit]\ncommands = []\n"));
        assertEquals("operation 'set_power_limit' has no commands = [...]", problem("[set_power_limit]\ntimeout_s = 5\n"));
        assertEquals("operation 'set_power_limit' has commands of the wrong type; it must be a list of strings",
                problem("[set_power_limit]\ncommands = \"tool\"\n"));
        assertEquals("operation 'set_power_limit' has commands of the wrong type; it must be a list of strings",
                problem("[set_power_limit]\ncommands = [1]\n"));
    }

    @Test
    void errorPatternMustBeAValidRegex() {
        String message = problem("[set_power_limit]\ncommands = [\"tool\"]\nerror_pattern = \"[\"\n");
        assertTrue(message.startsWith("operation 'set_power_limit' has an invalid error_pattern '[': "), message);
        assertEquals("operation 'set_power_limit' has an empty error_pattern, which would match every output",
                problem("[set_power_limit]\ncommands = [\"tool\"]\nerror_pattern = \"\"\n"));
    }

    @Test
    void timeoutMustBeAPositiveWholeNumberOfSeconds() {
        for (String bad : List.of("0", "-3", "86401")) {
            assertEquals("operation 'reset_locked_clocks' has timeout_s = " + bad + "; it must be a whole number of "
                    + "seconds from 1 to 86400", problem("[reset_locked_clocks]\ncommands = [\"tool\"]\ntimeout_s = "
                            + bad + "\n"), bad);
        }
        for (String bad : List.of("\"60\"", "1.5", "true")) {
            assertEquals("operation 'reset_locked_clocks' has timeout_s of the wrong type; it must be a whole number "
                    + "of seconds", problem("[reset_locked_clocks]\ncommands = [\"tool\"]\ntimeout_s = " + bad + "\n"),
                    bad);
        }
    }

    @Test
    void placeholdersAreCheckedPerOperationNamingTheToken() {
        assertEquals("operation 'set_power_limit' has unknown placeholder '{max_clock_mhz}' in '--value={max_clock_mhz}' "
                + "(set_power_limit fills in {gpu_id}, {power_limit_mw}, {power_limit_w})",
                problem("[set_power_limit]\ncommands = [\"tool --value={max_clock_mhz}\"]\n"));
        assertEquals("operation 'reset_locked_clocks' has unknown placeholder '{enabled}' in '{enabled}' "
                + "(reset_locked_clocks fills in {gpu_id})", problem("[reset_locked_clocks]\ncommands = [\"tool {enabled}\"]\n"));
        assertTrue(problem("[set_persistence_mode]\ncommands = [\"tool {power_limit_w}\"]\n")
                .contains("unknown placeholder '{power_limit_w}'"));
        assertTrue(problem("[set_power_limit]\ncommands = [\"tool {}\"]\n").contains("unknown placeholder '{}' in '{}'"));
    }

    @Test
    void strayAndUnclosedBracesAreRefusedNamingTheToken() {
        assertEquals("operation 'reset_locked_clocks' has a stray '}' in 'value}'",
                problem("[reset_locked_clocks]\ncommands = [\"tool value}\"]\n"));
        assertEquals("operation 'reset_locked_clocks' has an unclosed '{' in '{gpu_id'",
                problem("[reset_locked_clocks]\ncommands = [\"tool {gpu_id\"]\n"));
        assertEquals("operation 'reset_locked_clocks' has an unclosed '{' in '{{gpu_id}'",
                problem("[reset_locked_clocks]\ncommands = [\"tool {{gpu_id}\"]\n"));
    }

    @Test
    void commandsMustSplitIntoWords() {
        assertEquals("operation 'reset_locked_clocks' has a command with no words: ''",
                problem("[reset_locked_clocks]\ncommands = [\"\"]\n"));
        assertEquals("operation 'reset_locked_clocks' has a command with no words: '   '",
                problem("[reset_locked_clocks]\ncommands = [\"   \"]\n"));
        assertEquals("operation 'reset_locked_clocks' has a command with an unclosed single quote: 'tool 'x'",
                problem("[reset_locked_clocks]\ncommands = [\"tool 'x\"]\n"));
    }

    @Test
    void brokenTomlNamesTheLine() {
        String message = problem("[set_power_limit]\ncommands = [\"tool\"\n");
        assertTrue(message.startsWith("not valid TOML (line "), message);
        assertTrue(problem("[set_power_limit]\ncommands = [\"a\"]\n[set_power_limit]\ncommands = [\"b\"]\n")
                .startsWith("not valid TOML"));
    }
}
