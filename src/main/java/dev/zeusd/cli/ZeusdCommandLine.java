package dev.zeusd.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.zeusd.StartupException;
import dev.zeusd.cli.client.ClientOptions;
import dev.zeusd.cli.client.CpuClientCommand;
import dev.zeusd.cli.client.DiscoverCommand;
import dev.zeusd.cli.client.GpuClientCommand;
import dev.zeusd.cli.client.TopCommand;
import dev.zeusd.cli.client.WhoamiCommand;
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

    /** The commands that talk to a running daemon, by name: each is parsed on its own (see {@link #execute}). */
    private static final Map<String, Supplier<Object>> CLIENT_COMMANDS = Map.of(
            "gpu", GpuClientCommand::new, "cpu", CpuClientCommand::new, "top", TopCommand::new,
            "whoami", WhoamiCommand::new, "discover", DiscoverCommand::new);

    private ZeusdCommandLine() {
    }

    /**
     * Runs {@code zeusd args...}. A client command is parsed without the rest of the tree: picocli builds the model of
     * every command it is given, and the daemon's options would cost a client most of its start-up.
     */
    public static int execute(String... args) {
        if (args.length > 0 && CLIENT_COMMANDS.containsKey(args[0])) {
            CommandLine client = configured(new CommandLine(CLIENT_COMMANDS.get(args[0]).get()));
            client.setCommandName("zeusd " + args[0]);
            return client.execute(Arrays.copyOfRange(args, 1, args.length));
        }
        return commandLine().execute(args);
    }

    /** Builds the command line with our error handling; stdout carries only command output, logs go to stderr. */
    public static CommandLine commandLine() {
        CommandLine commandLine = configured(new CommandLine(new ZeusdCommand()));
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
                ZeusdCommandLine::groupedCommands);
        return commandLine;
    }

    private static CommandLine configured(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(ZeusdCommandLine::handle);
        commandLine.setParameterExceptionHandler(ZeusdCommandLine::usageError);
        return commandLine;
    }

    /** {@code zeusd --help}: the daemon's own commands apart from those that talk to a running daemon. */
    private static String groupedCommands(CommandLine.Help help) {
        if (help.commandSpec().parent() != null) {
            return help.commandList();
        }
        StringBuilder text = new StringBuilder();
        section(text, help, "Run the daemon:%n", List.of("serve", "token"));
        section(text, help, "%nTalk to a running daemon (no root needed):%n",
                List.of("gpu", "cpu", "top", "whoami", "discover"));
        section(text, help, "%n", List.of("help"));
        return text.toString();
    }

    private static void section(StringBuilder text, CommandLine.Help help, String heading,
            List<String> names) {
        Map<String, CommandLine.Help> subcommands = new LinkedHashMap<>();
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
