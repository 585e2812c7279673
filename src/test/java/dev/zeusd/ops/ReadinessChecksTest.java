package dev.zeusd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.device.cpu.sim.SimulatedCpuBackend;
import dev.zeusd.device.gpu.sim.SimulatedGpuBackend;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuService;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The readiness checks outside Quarkus: before start-up, and against real listening sockets. */
class ReadinessChecksTest {
    @TempDir
    Path dir;

    @Test
    void devicesAreNotReadyBeforeStartupAndReadyAfter() {
        try (GpuService gpus = new GpuService(new SimulatedGpuBackend(2, System::nanoTime));
                CpuService cpus = new CpuService(new SimulatedCpuBackend(System::nanoTime).packages(),
                        System::nanoTime)) {
            DeviceReadiness readiness = new DeviceReadiness(gpus, cpus, new ReadinessRecord());
            HealthCheckResponse before = readiness.call();
            assertEquals(HealthCheckResponse.Status.DOWN, before.getStatus());
            assertEquals("starting", before.getData().orElseThrow().get("reason"));
            readiness.onStart(null);
            assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
        }
    }

    @Test
    void tcpListenerIsReadyOnlyWhileItAccepts() throws Exception {
        MapRegistry values = new MapRegistry();
        ApiListenerReadiness readiness = new ApiListenerReadiness(config(Map.of("quarkus.http.host", "0.0.0.0")), values, new ReadinessRecord());
        assertEquals("not bound yet", readiness.call().getData().orElseThrow().get("reason"));
        int port;
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            values.register(HttpServer.HTTP_PORT, port);
            assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus()); // 0.0.0.0 reached on loopback
        }
        HealthCheckResponse closed = readiness.call();
        assertEquals(HealthCheckResponse.Status.DOWN, closed.getStatus());
        assertTrue(closed.getData().orElseThrow().get("reason").toString().startsWith("connect failed"));
    }

    @Test
    void unixSocketListenerIsReadyOnlyWhileItAccepts() throws Exception {
        Path socket = dir.resolve("zeusd.sock");
        ApiListenerReadiness readiness = new ApiListenerReadiness(config(Map.of("quarkus.http.domain-socket-enabled",
                "true", "quarkus.http.domain-socket", socket.toString())), new MapRegistry(), new ReadinessRecord());
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            HealthCheckResponse up = readiness.call();
            assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
            assertEquals(socket.toString(), up.getData().orElseThrow().get("address"));
        }
    }

    private static org.eclipse.microprofile.config.Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 500)).build();
    }

    /** A plain map: the registry Quarkus fills with the ports Vert.x bound. */
    private static final class MapRegistry implements ValueRegistry {
        private final Map<RuntimeKey<?>, Object> values = new HashMap<>();

        @Override
        public <T> void register(RuntimeKey<T> key, T value) {
            values.put(key, value);
        }

        @Override
        public <T> void registerInfo(RuntimeKey<T> key, RuntimeInfo<T> info) {
            values.put(key, info.get(this));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(RuntimeKey<T> key) {
            return (T) values.get(key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOrDefault(RuntimeKey<T> key, T defaultValue) {
            return (T) values.getOrDefault(key, defaultValue);
        }

        @Override
        public <T> boolean containsKey(RuntimeKey<T> key) {
            return values.containsKey(key);
        }

        @Override
        @SuppressWarnings("removal") // the interface still declares it; nothing here calls it
        public RuntimeInfo<?> get(String key) {
            return null;
        }
    }
}
