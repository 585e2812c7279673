package dev.zeusd.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The dependency rules of the design, checked on the sources. */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/dev/zeusd");

    private static List<String> filesImporting(String importPrefix, List<String> allowedPackageDirs)
            throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> allowedPackageDirs.stream().noneMatch(MAIN.relativize(p).toString()::startsWith))
                    .filter(p -> read(p).contains("import " + importPrefix))
                    .map(Path::toString).toList();
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheNvmlAndAmdSmiPackagesUseJna() throws IOException {
        assertEquals(List.of(), filesImporting("com.sun.jna", List.of("device/gpu/nvml/", "device/gpu/amdsmi/")));
    }

    @Test
    void onlyTheLifecycleNamesAConcreteGpuBackend() throws IOException {
        for (String backend : List.of("dev.zeusd.device.gpu.nvml", "dev.zeusd.device.gpu.amdsmi")) {
            String own = backend.substring("dev.zeusd.".length()).replace('.', '/') + "/";
            assertEquals(List.of(), filesImporting(backend, List.of(own, "lifecycle/")), backend);
        }
    }

    @Test
    void devicesDependOnNothingAboveThem() throws IOException {
        for (String layer : List.of("dev.zeusd.api", "dev.zeusd.service", "dev.zeusd.streaming",
                "dev.zeusd.lifecycle", "dev.zeusd.cli", "dev.zeusd.auth")) {
            try (Stream<Path> files = Files.walk(MAIN.resolve("device"))) {
                List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> read(p).contains("import " + layer)).map(Path::toString).toList();
                assertEquals(List.of(), offenders, "device/ imports " + layer);
            }
        }
    }

    /** Streams and services publish readings; only api/ renders them, so nothing below it imports it. */
    @Test
    void servicesAndStreamsNeverImportTheApi() throws IOException {
        for (String lower : List.of("service", "streaming")) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(lower))) {
                List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> read(p).contains("import dev.zeusd.api")).map(Path::toString).toList();
                assertEquals(List.of(), offenders, lower + "/ imports api/");
            }
        }
    }

    @Test
    void resourcesNeverTouchADeviceBackend() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve("api"))) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).matches("(?s).*import dev\\.zeusd\\.device\\.(gpu|cpu)\\.(nvml|amdsmi|rapl|sim)\\..*"))
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    /** Starting processes is a privilege boundary: only GPU command overrides do it, in one package. */
    @Test
    void onlyCommandOverridesStartProcesses() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !MAIN.relativize(p).toString().startsWith("service/gpu/override/"))
                    .filter(p -> read(p).matches("(?s).*(new ProcessBuilder|Runtime\\.getRuntime\\(\\)\\.exec).*"))
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
