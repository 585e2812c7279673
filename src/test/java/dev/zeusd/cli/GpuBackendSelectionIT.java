package dev.zeusd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.zeusd.testsupport.FakeAmdSmi;
import dev.zeusd.testsupport.FakeNvmlHooks;
import dev.zeusd.testsupport.ZeusdProcess;

/**
 * {@code --gpu-backend} on the packaged daemon with the fake NVML and the fake AMD SMI builds: both vendors, neither,
 * one, a named backend that is missing, libraries zeusd refuses, and which libraries get their calls serialised.
 */
class GpuBackendSelectionIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final String NO_NVML = "/nonexistent/libnvidia-ml.so.1";

    @TempDir
    Path dir;

    private FakeAmdSmi fake() {
        return new FakeAmdSmi(dir);
    }

    private static ZeusdProcess serve(Map<String, String> environment, int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("serve", "--mode", "tcp", "--tcp-bind-address",
                "127.0.0.1:" + port, "--allow-unprivileged", "--enable", "gpu-read"));
        command.addAll(List.of(args));
        return ZeusdProcess.start(environment, command.toArray(String[]::new));
    }

    private static JsonNode get(int port, String pathAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void autoRefusesGpusOfBothVendorsNamingTheFlag() throws Exception {
        try (ZeusdProcess zeusd = serve(fake().environment("abi26"), 0, "--nvml-library",
                FakeNvmlHooks.libraryPath())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: Found GPUs of both vendors (4 through NVML, 2 through AMD "
                    + "SMI); pick one with --gpu-backend nvml or --gpu-backend amdsmi.\n"), zeusd.stderr());
            assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
        }
    }

    @Test
    void autoWithNeitherLibraryStartsWithoutGpus() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = serve(Map.of("AMDSMI_LIB_DIR", empty.toString()), port, "--nvml-library", NO_NVML)) {
            zeusd.awaitStarted(START);
            JsonNode discover = get(port, "/discover");
            assertEquals("[]", discover.get("gpus").toString());
            assertEquals("[]", discover.get("gpu_ids").toString());
            zeusd.stop();
        }
    }

    @Test
    void autoUsesAmdSmiWhenOnlyAmdGpusAreThereAndAbi24IsSerialised() throws Exception {
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = serve(fake().environment("abi24"), port, "--nvml-library", NO_NVML)) {
            zeusd.awaitStarted(START);
            JsonNode gpus = get(port, "/discover").get("gpus");
            assertEquals(2, gpus.size(), gpus.toString());
            assertEquals("0001:05:00.1", gpus.get(1).get("pci_address").asText());
            assertEquals("{\"0\":350000,\"1\":120000}", get(port, "/gpu/get_power").get("power_mw").toString());
            assertTrue(zeusd.stderr().contains("AMD SMI 24.7.1.0 from ") && zeusd.stderr().contains(
                    "(ABI 24); calls are serialised: libraries before 26.2 are not thread-safe"), zeusd.stderr());
            zeusd.stop();
        }
    }

    @Test
    void aNamedBackendWhoseLibraryIsMissingStopsStartupWithOneSentence() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (ZeusdProcess zeusd = serve(Map.of("AMDSMI_LIB_DIR", empty.toString()), 0, "--gpu-backend", "amdsmi",
                "--nvml-library", FakeNvmlHooks.libraryPath())) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: AMD SMI library not found (AMDSMI_LIB_DIR=" + empty + "; tried "
                    + empty + "/libamd_smi.so.26, " + empty + "/libamd_smi.so.25, " + empty + "/libamd_smi.so.24); "
                    + "install ROCm 6.3 or later, set AMDSMI_LIB_DIR to the directory that holds libamd_smi.so, or run "
                    + "with --enable cpu-read or --simulate.\n"), zeusd.stderr());
            assertFalse(zeusd.stderr().contains("Exception"), zeusd.stderr());
        }
        try (ZeusdProcess zeusd = serve(fake().environment("abi26"), 0, "--gpu-backend", "nvml", "--nvml-library",
                NO_NVML)) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: NVML library not found (tried " + NO_NVML + "); install the "
                    + "NVIDIA driver, pass --nvml-library PATH, or run with --enable cpu-read or --simulate.\n"),
                    zeusd.stderr());
        }
    }

    @Test
    void rocm62IsRefusedByVersionAndByItsMissingFunctionEvenUnderAuto() throws Exception {
        Map<String, String> environment = fake().environment("abi24");
        environment.put("FAKE_AMDSMI_VERSION", "24.6.3.0");
        try (ZeusdProcess zeusd = serve(environment, 0, "--gpu-backend", "amdsmi")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: AMD SMI 24.6.3.0 is from ROCm 6.2, which zeusd does not "
                    + "support; the oldest supported is ROCm 6.3 (AMD SMI 24.7).\n"), zeusd.stderr());
        }
        try (ZeusdProcess zeusd = serve(fake().environment("rocm-6.2"), 0, "--nvml-library", NO_NVML)) {
            assertEquals(1, zeusd.awaitExit(START));
            assertTrue(zeusd.stderr().endsWith("zeusd: The AMD SMI library " + FakeAmdSmi.libraryDir("rocm-6.2")
                    .resolve("libamd_smi.so.24") + " is from ROCm 6.2 (it lacks amdsmi_set_gpu_clk_limit), which "
                    + "zeusd does not support; the oldest supported is ROCm 6.3 (AMD SMI 24.7).\n"), zeusd.stderr());
        }
    }

    @Test
    void callsIntoLibrariesBefore26Point2NeverOverlapAndLaterOnesRunPerGpu() throws Exception {
        assertEquals(1, mostCallsAtOnce("26.1.0"), "26.1 is not thread-safe: one call at a time");
        assertTrue(mostCallsAtOnce("26.2.0") > 1, "26.2 is thread-safe: both GPUs' workers call at once");
    }

    /** Reads both GPUs' power many times (each read fans out to both workers) with every call taking 20 ms. */
    private int mostCallsAtOnce(String version) throws Exception {
        Path run = Files.createDirectories(dir.resolve(version));
        FakeAmdSmi fake = new FakeAmdSmi(run);
        Map<String, String> environment = fake.environment("abi26");
        environment.put("FAKE_AMDSMI_VERSION", version);
        environment.put("FAKE_AMDSMI_CALL_DELAY_US", "20000");
        int port = ZeusdProcess.freeTcpPort();
        try (ZeusdProcess zeusd = serve(environment, port, "--gpu-backend", "amdsmi")) {
            zeusd.awaitStarted(START);
            assertEquals("1", fake.state("max_concurrent_calls"), "startup calls one at a time");
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(CompletableFuture.runAsync(() -> {
                    try {
                        get(port, "/gpu/get_power");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
            zeusd.stop();
            return Integer.parseInt(fake.state("max_concurrent_calls"));
        }
    }
}
