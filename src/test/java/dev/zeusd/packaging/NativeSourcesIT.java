package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Library;
import com.sun.jna.Structure;

/**
 * What Quarkus' native build steps emitted at package time (target/native-sources: the native-image arguments and
 * the runner jar with every native-image configuration file), read back: a JNA binding that native-image would not
 * see fails here, where no GraalVM runs.
 */
class NativeSourcesIT {
    private static final Path SOURCES = Path.of("target/native-sources");
    private static final Path CLASSES = Path.of("target/classes");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path runnerJar() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
    }

    /** Every {@code META-INF/native-image/**}/{@code kind} of the runner jar, entries of all of them. */
    private static List<JsonNode> emitted(String kind) throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        try (JarFile jar = new JarFile(runnerJar().toFile())) {
            for (var entry : java.util.Collections.list(jar.entries())) {
                if (entry.getName().startsWith("META-INF/native-image/") && entry.getName().endsWith("/" + kind)) {
                    JsonNode config = JSON.readTree(jar.getInputStream(entry));
                    JsonNode list = config.isArray() ? config : config.path("resources").path("includes");
                    list.forEach(entries::add);
                }
            }
        }
        return entries;
    }

    private static Map<String, JsonNode> byName(List<JsonNode> entries) {
        Map<String, JsonNode> byName = new HashMap<>();
        entries.forEach(e -> byName.put(e.path("name").asText(), e));
        return byName;
    }

    /** Our classes (target/classes) assignable to {@code type}. */
    private static List<Class<?>> ours(Class<?> type) throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/zeusd/device"))) {
            List<Class<?>> found = new ArrayList<>();
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replaceFirst("\\.class$", "");
                try {
                    Class<?> c = Class.forName(name, false, NativeSourcesIT.class.getClassLoader());
                    if (type.isAssignableFrom(c) && c != type) {
                        found.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError(name, e);
                }
            }
            return found;
        }
    }

    @Test
    void theNativeImageArgumentsKeepJnaAtRunTime() throws IOException {
        List<String> args = List.of(Files.readString(SOURCES.resolve("native-image.args")).trim().split("\\s+"));
        assertTrue(args.contains("--initialize-at-run-time=com.sun.jna"), args.toString());
        assertTrue(args.contains("--no-fallback"), "a JVM fallback image would hide native failures");
        assertTrue(args.contains(runnerJar().getFileName().toString()), args.toString());
        try (Stream<Path> lib = Files.list(SOURCES.resolve("lib"))) {
            assertTrue(lib.anyMatch(p -> p.getFileName().toString().startsWith("net.java.dev.jna.jna-")));
        }
    }

    @Test
    void everyJnaStructureIsRegisteredForReflectionWithItsFields() throws IOException {
        List<Class<?>> structures = ours(Structure.class);
        assertTrue(structures.size() >= 3, structures.toString());
        Map<String, JsonNode> reflection = byName(emitted("reflect-config.json"));
        for (Class<?> structure : structures) {
            JsonNode entry = reflection.get(structure.getName());
            assertTrue(entry != null, structure.getName() + " is not registered for reflection");
            assertTrue(entry.path("allPublicFields").asBoolean() && entry.path("allPublicConstructors").asBoolean(),
                    "JNA reads " + structure.getName() + "'s fields and makes it reflectively: " + entry);
        }
    }

    @Test
    void everyJnaLibraryInterfaceIsAProxyWithItsMethods() throws IOException {
        List<Class<?>> libraries = ours(Library.class);
        assertEquals(2, libraries.size(), libraries.toString());
        String proxies = emitted("proxy-config.json").toString();
        Map<String, JsonNode> reflection = byName(emitted("reflect-config.json"));
        for (Class<?> library : libraries) {
            assertTrue(proxies.contains("\"" + library.getName() + "\""), library.getName() + " is not a proxy");
            assertTrue(reflection.get(library.getName()).path("allPublicMethods").asBoolean(), library.getName());
        }
    }

    @Test
    void jnaGetsItsJniAccessAndDispatchLibraries() throws IOException {
        Map<String, JsonNode> jni = byName(emitted("jni-config.json"));
        for (String type : List.of("com.sun.jna.Native", "com.sun.jna.Structure", "com.sun.jna.Pointer",
                "com.sun.jna.Callback", "com.sun.jna.CallbackReference", "com.sun.jna.Native$ffi_callback")) {
            assertTrue(jni.containsKey(type), type + " has no JNI access");
        }
        String resources = emitted("resource-config.json").toString();
        for (String arch : List.of("linux-x86-64", "linux-aarch64")) {
            String path = "com/sun/jna/" + arch + "/libjnidispatch.so";
            assertTrue(resources.contains(path), path + " is not included");
            assertTrue(getClass().getClassLoader().getResource(path) != null, path + " is not in the JNA jar");
        }
    }
}
