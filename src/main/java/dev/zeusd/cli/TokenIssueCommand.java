package dev.zeusd.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import dev.zeusd.auth.Lifetimes;
import dev.zeusd.auth.SigningKey;
import dev.zeusd.auth.TokenIssuer;
import dev.zeusd.boot.SigningKeyFile;
import dev.zeusd.config.ApiGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zeusd token issue}: prints exactly one line, the token, on stdout. Never starts a server. */
@Command(name = "issue", description = "Issue a new JWT token for a user", mixinStandardHelpOptions = true,
        versionProvider = ZeusdCommandLine.Version.class, sortOptions = false,
        customSynopsis = "zeusd token issue [OPTIONS] --signing-key-path <SIGNING_KEY_PATH> --user <USER> "
                + "--scope <SCOPE> --expires <EXPIRES>", synopsisHeading = "Usage: ")
public class TokenIssueCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--signing-key-path", required = true, paramLabel = "<SIGNING_KEY_PATH>",
            converter = ConfigArgument.FilePath.class, description = "Path to the HMAC-SHA256 signing key file")
    Path signingKeyPath;

    @Option(names = "--user", required = true, paramLabel = "<USER>",
            description = "User identity to embed in the token (the `sub` claim)")
    String user;

    @Option(names = "--scope", split = ",", converter = ConfigArgument.ApiGroupName.class, paramLabel = "<SCOPE>",
            required = true, // a token without scopes is a mistake, not a feature: a usage error
            description = { "API group scopes to grant. Comma-separated. Possible values:",
                    ConfigArgument.GroupHelp.GPU_CONTROL, ConfigArgument.GroupHelp.GPU_READ,
                    ConfigArgument.GroupHelp.CPU_READ })
    List<ApiGroup> scopes = List.of();

    @Option(names = "--expires", required = true, paramLabel = "<EXPIRES>", converter = LifetimeArgument.class,
            description = "Token lifetime. Human-readable duration (e.g., \"30m\", \"1h\", \"7d\", \"1d12h\"). "
                    + "Use \"never\" (or 0) for tokens that do not expire")
    Lifetime expires;

    @Option(names = "--gpus", split = ",", converter = DeviceIdArgument.class, paramLabel = "<GPU_IDS>",
            description = "Limit the token to these GPUs (comma-separated ids, the `gpu_ids` claim). Default: all GPUs")
    List<Integer> gpus;

    @Option(names = "--cpus", split = ",", converter = DeviceIdArgument.class, paramLabel = "<CPU_IDS>",
            description = "Limit the token to these CPU packages (comma-separated ids, the `cpu_ids` claim). "
                    + "Default: all CPUs")
    List<Integer> cpus;

    @Override
    public Integer call() {
        if (user.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--user must not be empty");
        }
        if (signingKeyPath == null) { // an empty value: FilePath reads it as "not set"
            throw new CommandLine.ParameterException(spec.commandLine(), "--signing-key-path must not be empty");
        }
        SigningKeyFile.requireReadable(signingKeyPath);
        String token = new TokenIssuer(SigningKey.read(signingKeyPath))
                .issue(user, scopes.stream().distinct().toList(), expires.duration(), Instant.now(), idSet(gpus),
                        idSet(cpus));
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return ZeusdCommandLine.EXIT_OK;
    }

    /** @return null when the option is not given: the token is not limited to devices of that kind */
    private static SortedSet<Integer> idSet(List<Integer> ids) {
        return ids == null ? null : new TreeSet<>(ids);
    }

    /** A parsed {@code --expires}; {@code duration} null for never. */
    record Lifetime(Duration duration) {
    }

    static class LifetimeArgument implements CommandLine.ITypeConverter<Lifetime> {
        @Override
        public Lifetime convert(String value) {
            try {
                return new Lifetime(Lifetimes.parse(value));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static class DeviceIdArgument implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String id = value.trim();
            if (!id.matches("\\d{1,9}")) {
                throw new CommandLine.TypeConversionException("device ids are non-negative integers, got '" + value
                        + "'");
            }
            return Integer.parseInt(id);
        }
    }
}
