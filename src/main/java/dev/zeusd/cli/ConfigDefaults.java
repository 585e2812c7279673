package dev.zeusd.cli;

import org.eclipse.microprofile.config.Config;

import dev.zeusd.boot.BootConfig;
import picocli.CommandLine;

/**
 * Shows the effective defaults in {@code --help}: the values configuration would supply (ZeusdConfig's defaults,
 * the environment, application.properties), so help and behaviour cannot drift apart.
 */
public class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private Config config;

    static String propertyName(CommandLine.Model.OptionSpec option) {
        return "zeusd." + option.longestName().replaceFirst("^--", "");
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        if (config == null) {
            config = BootConfig.load();
        }
        return config.getConfigValue(propertyName(option)).getValue();
    }
}
