package dev.zeusd.cli;

import java.io.PrintWriter;

import dev.zeusd.StartupException;
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
        return commandLine;
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
