package dev.zeusd.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.zeusd.StartupException;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.service.gpu.override.CommandOverrides;
import dev.zeusd.service.gpu.override.InvalidOverridesException;
import dev.zeusd.service.gpu.override.OverrideFileParser;

/**
 * Loads {@code --gpu-command-overrides}: the trust check, then the parse; every problem is one startup sentence. The
 * file is read once per process: the startup checks before boot load it, and the GPU service gets that same load, so
 * the file that was checked is the file that runs (no second read the owner could have changed in between).
 */
public final class GpuCommandOverridesFile {
    /** The overrides, and a warning to log if the file is group-writable. */
    public record Loaded(CommandOverrides overrides, Optional<String> warning) {
    }

    private record FromFile(Path file, Loaded loaded) {
    }

    private static volatile FromFile loadedBefore;

    private GpuCommandOverridesFile() {
    }

    /** No overrides when the option is absent; the overrides loaded before when it names the same file again. */
    public static Loaded load(ZeusdConfig config) {
        if (config.gpuCommandOverrides().isEmpty()) {
            return new Loaded(CommandOverrides.none(), Optional.empty());
        }
        Path file = config.gpuCommandOverrides().get();
        FromFile before = loadedBefore;
        if (before != null && before.file().equals(file)) {
            return before.loaded();
        }
        long euid = PrivilegeCheck.effectiveUid(Path.of("/proc/self/status")).orElse(0);
        Loaded loaded = load(file, euid);
        loadedBefore = new FromFile(file, loaded);
        return loaded;
    }

    static Loaded load(Path file, long euid) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException("The GPU command override file " + file + " does not exist or is not a file"
                    + " (--gpu-command-overrides).");
        }
        Optional<String> warning = OverrideFileTrust.check(file, euid);
        String toml;
        try {
            toml = Files.readString(file);
        } catch (IOException e) {
            throw new StartupException("Cannot read the GPU command override file " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
        }
        try {
            return new Loaded(OverrideFileParser.parse(toml), warning);
        } catch (InvalidOverridesException e) {
            String problem = e.getMessage().replaceAll("\\.+$", "");
            throw new StartupException("GPU command override file " + file + ": " + problem + ".", e);
        }
    }
}
