package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * No native builder runs here, so the native-image metadata is checked against the classes it names: a JNA upgrade
 * or a renamed binding that would break the native image at run time fails this test instead.
 */
class NativeImageMetadataTest {
    private static final String DIR = "META-INF/native-image/dev.zeusd/zeusd/";

    @Test
    void everyJniAndReflectionEntryExistsInTheClassesOnTheClasspath() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String file : List.of("jni-config.json", "reflect-config.json")) {
            for (JsonNode entry : read(file)) {
                Class<?> type = load(entry.path("name").asText());
                for (JsonNode field : entry.path("fields")) {
                    try {
                        type.getDeclaredField(field.path("name").asText());
                    } catch (NoSuchFieldException e) {
                        missing.add(file + ": " + type.getName() + "." + field.path("name").asText());
                    }
                }
                for (JsonNode method : entry.path("methods")) {
                    if (!exists(type, method)) {
                        missing.add(file + ": " + type.getName() + "." + method.path("name").asText()
                                + method.path("parameterTypes"));
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "metadata names members that do not exist: " + missing);
    }

    @Test
    void theNvmlAndAmdSmiBindingsAreRegisteredAsProxies() throws Exception {
        JsonNode proxies = read("proxy-config.json");
        assertFalse(proxies.isEmpty());
        for (JsonNode proxy : proxies) {
            for (JsonNode name : proxy.path("interfaces")) {
                assertTrue(load(name.asText()).isInterface(), name.asText());
            }
        }
        assertTrue(proxies.toString().contains(dev.zeusd.device.gpu.nvml.Nvml.class.getName()));
        assertTrue(proxies.toString().contains("dev.zeusd.device.gpu.amdsmi.AmdSmi\""), proxies.toString());
        assertTrue(read("reflect-config.json").toString().contains("dev.zeusd.device.gpu.amdsmi.AmdSmiPowerCapInfo"));
    }

    @Test
    void theBundledDispatchLibrariesExistForBothArchitectures() throws Exception {
        JsonNode includes = read("resource-config.json").path("resources").path("includes");
        assertTrue(includes.size() >= 2);
        for (JsonNode include : includes) {
            String path = include.path("pattern").asText().replace("\\Q", "").replace("\\E", "");
            assertNotNull(getClass().getClassLoader().getResource(path), "not on the classpath: " + path);
        }
    }

    private static boolean exists(Class<?> type, JsonNode method) throws ClassNotFoundException {
        List<Class<?>> params = new ArrayList<>();
        for (JsonNode param : method.path("parameterTypes")) {
            params.add(primitiveOrLoad(param.asText()));
        }
        Class<?>[] signature = params.toArray(Class<?>[]::new);
        String name = method.path("name").asText();
        if (name.equals("<init>")) {
            return Arrays.stream(type.getDeclaredConstructors())
                    .anyMatch(c -> Arrays.equals(c.getParameterTypes(), signature));
        }
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && Arrays.equals(m.getParameterTypes(), signature)) {
                return true;
            }
        }
        return false;
    }

    private static Class<?> primitiveOrLoad(String name) throws ClassNotFoundException {
        return switch (name) {
            case "boolean" -> boolean.class;
            case "byte" -> byte.class;
            case "char" -> char.class;
            case "short" -> short.class;
            case "int" -> int.class;
            case "long" -> long.class;
            case "float" -> float.class;
            case "double" -> double.class;
            case "byte[]" -> byte[].class;
            default -> load(name);
        };
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, NativeImageMetadataTest.class.getClassLoader());
    }

    private static JsonNode read(String file) throws IOException {
        try (InputStream in = NativeImageMetadataTest.class.getClassLoader().getResourceAsStream(DIR + file)) {
            if (in == null) {
                fail("missing " + DIR + file);
            }
            return new ObjectMapper().readTree(in);
        }
    }
}
