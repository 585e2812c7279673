package dev.zeusd.device.gpu.amdsmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract's search order, on temporary directories standing in for /opt. */
class AmdSmiLibrarySearchTest {
    @TempDir
    Path opt;

    private static List<String> paths(AmdSmiLibrarySearch search) {
        return search.candidates().stream().map(AmdSmiLibrarySearch.Candidate::path).toList();
    }

    @Test
    void amdsmiLibDirIsTheOnlyPlaceSearchedWhenSet() throws IOException {
        Files.createDirectories(opt.resolve("rocm-7.0.0/lib"));
        AmdSmiLibrarySearch search = AmdSmiLibrarySearch.of("/custom/libs", "/custom/rocm", opt);
        assertEquals(List.of("/custom/libs/libamd_smi.so.26", "/custom/libs/libamd_smi.so.25",
                "/custom/libs/libamd_smi.so.24"), paths(search));
        assertEquals("AMDSMI_LIB_DIR=/custom/libs", search.description());
    }

    @Test
    void rocmPathIsTheOnlyPlaceSearchedWhenSetWithoutLibDir() {
        assertEquals(List.of("/custom/rocm/lib/libamd_smi.so.26", "/custom/rocm/lib/libamd_smi.so.25",
                "/custom/rocm/lib/libamd_smi.so.24"), paths(AmdSmiLibrarySearch.of(null, "/custom/rocm", opt)));
        assertEquals(List.of("/custom/rocm/lib/libamd_smi.so.26", "/custom/rocm/lib/libamd_smi.so.25",
                "/custom/rocm/lib/libamd_smi.so.24"), paths(AmdSmiLibrarySearch.of("", "/custom/rocm", opt)),
                "an empty AMDSMI_LIB_DIR counts as unset");
    }

    @Test
    void withoutOverridesOptRocmThenTheNewestVersionedRocmThenTheLoaderPath() throws IOException {
        for (String dir : List.of("rocm-6.9.0", "rocm-6.10.0", "rocm-6.3.2", "rocm-custom", "rocm-7")) {
            Files.createDirectories(opt.resolve(dir));
        }
        Files.createFile(opt.resolve("rocm-99.0.0")); // a file, not an installation
        // 7 > 6.10.0 > 6.9.0 numerically, although "rocm-6.9.0" sorts last as text
        assertEquals(List.of(
                opt.resolve("rocm/lib/libamd_smi.so.26").toString(), opt.resolve("rocm/lib/libamd_smi.so.25").toString(),
                opt.resolve("rocm/lib/libamd_smi.so.24").toString(),
                opt.resolve("rocm-7/lib/libamd_smi.so.26").toString(), opt.resolve("rocm-7/lib/libamd_smi.so.25").toString(),
                opt.resolve("rocm-7/lib/libamd_smi.so.24").toString(),
                "libamd_smi.so.26", "libamd_smi.so.25", "libamd_smi.so.24"), paths(AmdSmiLibrarySearch.of(null, null, opt)));
    }

    @Test
    void versionedDirectoriesCompareNumerically() throws IOException {
        Files.createDirectories(opt.resolve("rocm-6.9.0"));
        Files.createDirectories(opt.resolve("rocm-6.10.0"));
        assertEquals(opt.resolve("rocm-6.10.0"), AmdSmiLibrarySearch.newestVersionedRocm(opt).orElseThrow());
        assertTrue(AmdSmiLibrarySearch.rocmVersion(Path.of("/opt/rocm-custom")).isEmpty());
        assertTrue(AmdSmiLibrarySearch.rocmVersion(Path.of("/opt/rocm")).isEmpty());
    }

    @Test
    void noOptDirectoryLeavesTheDefaultsAndTheLoaderPath() {
        List<String> paths = paths(AmdSmiLibrarySearch.of(null, null, opt.resolve("missing")));
        assertEquals(6, paths.size(), paths.toString());
        assertEquals("libamd_smi.so.26", paths.get(3));
    }
}
