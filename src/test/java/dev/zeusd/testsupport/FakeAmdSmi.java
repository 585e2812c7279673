package dev.zeusd.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake libamd_smi.so builds (src/test/native/fake_amdsmi.c) and what they leave behind: a call log and a state
 * file, which a test reads after the daemon, in its own process, called into the fake.
 */
public final class FakeAmdSmi {
    private final Path log;
    private final Path state;

    public FakeAmdSmi(Path dir) {
        this.log = dir.resolve("amdsmi-calls.log");
        this.state = dir.resolve("amdsmi-state.txt");
    }

    /** The directory holding {@code libamd_smi.so.26} (ROCm 7), {@code abi24} (ROCm 6.3) or {@code rocm-6.2}. */
    public static Path libraryDir(String build) {
        return Path.of(System.getProperty("test.fake-amdsmi.dir", "target/fake-amdsmi")).resolve(build)
                .toAbsolutePath();
    }

    /** The environment for a daemon that should find this build through {@code AMDSMI_LIB_DIR} and record here. */
    public Map<String, String> environment(String build) {
        Map<String, String> environment = new HashMap<>();
        environment.put("AMDSMI_LIB_DIR", libraryDir(build).toString());
        environment.put("FAKE_AMDSMI_LOG", log.toString());
        environment.put("FAKE_AMDSMI_STATE", state.toString());
        return environment;
    }

    public List<String> calls() {
        return Files.exists(log) ? read(log).lines().toList() : List.of();
    }

    /** The calls of one function (e.g. {@code amdsmi_set_gpu_clk_limit}) on one GPU, arguments only. */
    public List<String> calls(String function, int gpu) {
        String prefix = function + " " + gpu;
        return calls().stream().filter(line -> line.equals(prefix) || line.startsWith(prefix + " "))
                .map(line -> line.substring(prefix.length()).trim()).toList();
    }

    /** One value of the state file, e.g. {@code state("gpu0 gfx")} is {@code "500 2100"}. */
    public String state(String key) {
        return read(state).lines().filter(line -> line.startsWith(key + " ")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in " + read(state)));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
