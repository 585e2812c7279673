package dev.zeusd.device.gpu.amdsmi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where to look for {@code libamd_smi.so}: only {@code $AMDSMI_LIB_DIR} if set, else only {@code $ROCM_PATH/lib} if
 * set (an override that names a broken installation fails loudly instead of silently using another library), else
 * {@code /opt/rocm/lib}, the newest {@code /opt/rocm-X.Y.Z/lib} by numeric version, then the dynamic loader's path.
 * In each place the newest supported SONAME comes first.
 */
public final class AmdSmiLibrarySearch {
    /** A file to try and the ABI its SONAME promises; a bare SONAME means the loader's search path. */
    record Candidate(AmdSmiAbi abi, String path) {
    }

    private final List<Candidate> candidates;
    private final String description;

    private AmdSmiLibrarySearch(List<Candidate> candidates, String description) {
        this.candidates = candidates;
        this.description = description;
    }

    public static AmdSmiLibrarySearch fromEnvironment() {
        return of(System.getenv("AMDSMI_LIB_DIR"), System.getenv("ROCM_PATH"), Path.of("/opt"));
    }

    /** @param opt where ROCm installs itself, {@code /opt} outside tests */
    static AmdSmiLibrarySearch of(String libDir, String rocmPath, Path opt) {
        List<Path> dirs = new ArrayList<>();
        boolean loaderPath = false;
        String description;
        if (set(libDir)) {
            dirs.add(Path.of(libDir));
            description = "AMDSMI_LIB_DIR=" + libDir;
        } else if (set(rocmPath)) {
            dirs.add(Path.of(rocmPath, "lib"));
            description = "ROCM_PATH=" + rocmPath;
        } else {
            dirs.add(opt.resolve("rocm/lib"));
            newestVersionedRocm(opt).map(dir -> dir.resolve("lib")).ifPresent(dirs::add);
            loaderPath = true;
            description = "neither AMDSMI_LIB_DIR nor ROCM_PATH is set";
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Path dir : dirs) {
            for (AmdSmiAbi abi : AmdSmiAbi.values()) {
                candidates.add(new Candidate(abi, dir.toAbsolutePath().resolve(abi.soname()).toString()));
            }
        }
        if (loaderPath) {
            for (AmdSmiAbi abi : AmdSmiAbi.values()) {
                candidates.add(new Candidate(abi, abi.soname()));
            }
        }
        return new AmdSmiLibrarySearch(List.copyOf(candidates), description);
    }

    List<Candidate> candidates() {
        return candidates;
    }

    /** Which rule chose the places, for the "not found" sentence. */
    String description() {
        return description;
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank();
    }

    /** {@code rocm-6.10.0} is newer than {@code rocm-6.9.0}: compared part by part as numbers, not as text. */
    static Optional<Path> newestVersionedRocm(Path opt) {
        if (!Files.isDirectory(opt)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(opt)) {
            return entries.filter(Files::isDirectory)
                    .filter(dir -> rocmVersion(dir).isPresent())
                    .max(Comparator.comparing(dir -> rocmVersion(dir).orElseThrow(), AmdSmiLibrarySearch::compare));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<int[]> rocmVersion(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.matches("rocm-[0-9]+(\\.[0-9]+)*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Arrays.stream(name.substring(5).split("\\.")).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            return Optional.empty(); // a part too large to be a version
        }
    }

    private static int compare(int[] a, int[] b) {
        return Arrays.compare(a, b);
    }
}
