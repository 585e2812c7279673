package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** Flags go through the converters of config/: the same sentences as from the environment, before Quarkus boots. */
class ConfigArgumentTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = ZeusdCommandLine.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aBadAddressIsTheStartupSentence() {
        Run run = run("serve", "--mode", "tcp", "--tcp-bind-address", "4938");
        assertEquals(1, run.exit());
        assertEquals("zeusd: --tcp-bind-address must be HOST:PORT, such as 127.0.0.1:4938, got '4938'.\n",
                run.err().replace(System.lineSeparator(), "\n"));
        run = run("serve", "--management-bind-address", "nowhere");
        assertEquals(1, run.exit());
        assertEquals("zeusd: --management-bind-address must be HOST:PORT, such as 127.0.0.1:9464 or off, got "
                + "'nowhere'.\n", run.err().replace(System.lineSeparator(), "\n"));
        run = run("serve", "--socket-permissions", "rw");
        assertEquals(1, run.exit());
        assertEquals("zeusd: --socket-permissions must be an octal mode such as 666, got 'rw'.\n",
                run.err().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aBadAddressFromTheEnvironmentIsTheSameSentence() {
        System.setProperty("zeusd.tcp-bind-address", "4938"); // the environment and properties reach config alike
        try {
            Run run = run("serve", "--mode", "tcp");
            assertEquals(1, run.exit(), run.err());
            assertEquals("zeusd: --tcp-bind-address must be HOST:PORT, such as 127.0.0.1:4938, got '4938'.\n",
                    run.err().replace(System.lineSeparator(), "\n"));
        } finally {
            System.clearProperty("zeusd.tcp-bind-address");
        }
    }

    @Test
    void anUnknownGroupIsStillAUsageError() {
        Run run = run("serve", "--enable", "gpu-write");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("zeusd: Invalid value for option '--enable'"), run.err());
        assertTrue(run.err().contains("unknown API group 'gpu-write'"), run.err());
    }

    @Test
    void groupHelpComesFromTheGroups() {
        Run serve = run("serve", "--help");
        assertEquals(0, serve.exit());
        String help = serve.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("gpu-control: GPU control operations (set power limit, clocks, persistence mode). "
                + "Requires root, unless --gpu-command-overrides names at least one operation"), help);
        assertTrue(help.contains("gpu-read: GPU read operations (power reading, energy consumption)"), help);
        assertTrue(help.contains("cpu-read: CPU RAPL read operations (energy, power). Requires root"), help);
        Run issue = run("token", "issue", "--help");
        assertEquals(0, issue.exit());
        assertTrue(issue.out().replaceAll("\\s+", " ").contains("gpu-control: GPU control operations (set power "
                + "limit, clocks, persistence mode). Requires root gpu-read:"), issue.out());
    }
}
