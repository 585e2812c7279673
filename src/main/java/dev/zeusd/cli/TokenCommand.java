package dev.zeusd.cli;

import picocli.CommandLine.Command;

@Command(name = "token", description = "Token management", mixinStandardHelpOptions = true,
        versionProvider = ZeusdCommandLine.Version.class, subcommands = { TokenIssueCommand.class })
public class TokenCommand {
}
