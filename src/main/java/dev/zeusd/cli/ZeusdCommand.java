package dev.zeusd.cli;

import picocli.CommandLine.Command;

@Command(name = "zeusd", mixinStandardHelpOptions = true, versionProvider = ZeusdCommandLine.Version.class,
        description = "The Zeus daemon manages and monitors compute devices on the node",
        subcommands = { ServeCommand.class, TokenCommand.class, picocli.CommandLine.HelpCommand.class })
public class ZeusdCommand {
}
