package dev.zeusd.cli;

import dev.zeusd.cli.client.CpuClientCommand;
import dev.zeusd.cli.client.DiscoverCommand;
import dev.zeusd.cli.client.GpuClientCommand;
import dev.zeusd.cli.client.TopCommand;
import dev.zeusd.cli.client.WhoamiCommand;
import picocli.CommandLine.Command;

@Command(name = "zeusd", mixinStandardHelpOptions = true, versionProvider = ZeusdCommandLine.Version.class,
        description = "The Zeus daemon manages and monitors compute devices on the node",
        subcommands = { ServeCommand.class, TokenCommand.class, GpuClientCommand.class, CpuClientCommand.class,
            TopCommand.class, WhoamiCommand.class, DiscoverCommand.class, picocli.CommandLine.HelpCommand.class })
public class ZeusdCommand {
}
