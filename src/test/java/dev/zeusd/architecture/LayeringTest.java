package dev.zeusd.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The dependency rules of the design, checked on the sources. */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/dev/zeusd");

    /**
     * The floors, lowest first; a file may import from its own floor and those below it, never from one above. The
     * ground floor is {@code dev.zeusd.StartupException}, which every layer may throw; {@code ZeusdMain} is the roof.
     * {@code kubelet} is the code protoc generates from {@code src/main/proto} (the kubelet's pod-resources API).
     * Packages on one floor ({@code streaming} and {@code auth}; {@code api} and {@code ops}) do not depend on each
     * other today, but the test does not forbid it.
     */
    private static final Map<String, Integer> FLOORS = floors(
            List.of("StartupException"),
            List.of("config", "http", "kubelet"),
            List.of("device"),
            List.of("service"),
            List.of("streaming", "auth", "attribution"),
            List.of("api", "ops"),
            List.of("boot"),
            List.of("lifecycle"),
            List.of("cli"),
            List.of("ZeusdMain"));

    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?dev\\.zeusd\\.([\\w.]+);");
    private static final Pattern CDI_SCOPE = Pattern.compile(
            "(?m)^@(Singleton|ApplicationScoped|RequestScoped|Dependent|Startup)\\b");
    private static final Pattern PRODUCED = Pattern.compile("@Produces(?:\\s+@\\w+)*\\s+(?:public\\s+)?(\\w+)\\s+\\w+\\(");

    @SafeVarargs
    private static Map<String, Integer> floors(List<String>... floors) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int floor = 0; floor < floors.length; floor++) {
            for (String name : floors[floor]) {
                byName.put(name, floor);
            }
        }
        return byName;
    }

    /** The floor of a name relative to dev.zeusd: its first segment ({@code service.cpu.CpuService} is service). */
    private static int floorOf(String relativeName) {
        Integer floor = FLOORS.get(relativeName.split("\\.")[0]);
        if (floor == null) {
            throw new AssertionError("no floor for dev.zeusd." + relativeName + ": add its package to FLOORS");
        }
        return floor;
    }

    private static String relativeName(Path file) {
        return MAIN.relativize(file).toString().replaceFirst("\\.java$", "").replace('/', '.');
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList();
        }
    }

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

    /** Netty and Vert.x internals are the transport guard's business alone (see http/package-info). */
    @Test
    void onlyTheTransportGuardImportsNettyOrVertxInternals() throws IOException {
        Pattern internals = Pattern.compile("(?m)^import (?:static )?(?:io\\.netty\\.|io\\.vertx\\.[\\w.]*\\.impl\\.)");
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !MAIN.relativize(p).toString().startsWith("http/"))
                    .filter(p -> internals.matcher(read(p)).find()).map(Path::toString).toList();
            assertEquals(List.of(), offenders);
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

    /** Dependencies point down: config and device at the bottom, the two startup phases and the CLI at the top. */
    @Test
    void noImportFromALowerPackageToAHigherOne() throws IOException {
        List<String> upward = new ArrayList<>();
        for (Path file : mainSources()) {
            String name = relativeName(file);
            int floor = floorOf(name);
            Matcher imports = IMPORT.matcher(read(file));
            while (imports.find()) {
                if (floorOf(imports.group(1)) > floor) {
                    upward.add(name + " imports " + imports.group(1));
                }
            }
        }
        assertEquals(List.of(), upward);
    }

    /**
     * boot/ runs before Quarkus, when no bean exists: it imports no CDI bean, neither a class with a scope nor a
     * type a producer makes (GpuService, CpuService), and nothing from the packages of beans (lifecycle, api, ops,
     * streaming).
     */
    @Test
    void bootNeverImportsACdiBean() throws IOException {
        Set<String> beans = new HashSet<>();
        Map<String, String> simpleToRelative = new LinkedHashMap<>();
        for (Path file : mainSources()) {
            String source = read(file);
            simpleToRelative.put(file.getFileName().toString().replaceFirst("\\.java$", ""), relativeName(file));
            if (CDI_SCOPE.matcher(source).find()) {
                beans.add(relativeName(file));
            }
            Matcher produced = PRODUCED.matcher(source);
            while (produced.find()) {
                beans.add(produced.group(1)); // resolved to its file below
            }
        }
        Set<String> beanNames = new HashSet<>();
        for (String bean : beans) {
            beanNames.add(bean.contains(".") ? bean : simpleToRelative.getOrDefault(bean, bean));
        }
        assertTrue(beanNames.contains("service.gpu.GpuService"), "producers found: " + beanNames);
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("boot"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher imports = IMPORT.matcher(read(file));
                while (imports.find()) {
                    String imported = imports.group(1);
                    if (beanNames.contains(imported)
                            || imported.matches("(lifecycle|api|ops|streaming)\\..*")) {
                        offenders.add(relativeName(file) + " imports " + imported);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
