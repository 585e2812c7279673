package dev.zeusd.cli;

import java.io.PrintWriter;

import dev.zeusd.StartupException;
import dev.zeusd.cli.client.ClientOptions;
import dev.zeusd.config.BuildVersion;
import picocli.CommandLine;

/**
 * The {@code zeusd} command line with the exit codes and error reporting every command shares: 0 success, 1 a runtime
 * or startup failure reported as one sentence on stderr, 2 a usage error (picocli's own message).
 */
public final class ZeusdCommandLine {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private ZeusdCommandLine() {
    }

    /** Builds the command line with our error handling; stdout carries only command output, logs go to stderr. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ZeusdCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(ZeusdCommandLine::handle);
        commandLine.setParameterExceptionHandler(ZeusdCommandLine::usageError);
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                ZeusdCommandLine::groupedCommands);
        return commandLine;
    }

    /** {@code zeusd --help}: the daemon's own commands apart from those that talk to a running daemon. */
    private static String groupedCommands(CommandLine.Help help) {
        if (help.commandSpec().parent() != null) {
            return help.commandList();
        }
        StringBuilder text = new StringBuilder();
        section(text, help, "Run the daemon:%n", java.util.List.of("serve", "token"));
        section(text, help, "%nTalk to a running daemon (no root needed):%n",
                java.util.List.of("gpu", "cpu", "top", "whoami", "discover"));
        section(text, help, "%n", java.util.List.of("help"));
        return text.toString();
    }

    private static void section(StringBuilder text, CommandLine.Help help, String heading,
            java.util.List<String> names) {
        java.util.Map<String, CommandLine.Help> subcommands = new java.util.LinkedHashMap<>();
        names.forEach(name -> subcommands.put(name, help.subcommands().get(name)));
        text.append(String.format(heading)).append(help.commandList(subcommands));
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        if (e.getCause() instanceof StartupException startup) {
            // a converter of config/ refused the value with its startup sentence, as it would from the environment
            err.println("zeusd: " + startup.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        err.println("zeusd: " + e.getMessage());
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof ClientOptions.Failed failed) {
            return failed.exitCode; // the client command has said why on stderr
        }
        PrintWriter err = commandLine.getErr();
        if (e instanceof StartupException) {
            err.println("zeusd: " + e.getMessage());
        } else {
            err.println("zeusd: unexpected error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /** The version the build wrote into zeusd-version.properties. */
    public static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] { "zeusd " + BuildVersion.get() };
        }
    }
}
