package dev.zeusd.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.zeusd.kubelet.podresources.v1.ContainerDevices;
import dev.zeusd.kubelet.podresources.v1.ContainerResources;
import dev.zeusd.kubelet.podresources.v1.ListPodResourcesResponse;
import dev.zeusd.kubelet.podresources.v1.PodResources;
import dev.zeusd.kubelet.podresources.v1.PodResourcesListerGrpc;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;

/**
 * The kubelet's pod-resources service as the daemon meets it: a real gRPC server (Vert.x) on a Unix socket,
 * implementing {@code v1.PodResourcesLister/List} from the same proto. Tests set the pods it lists, make it refuse
 * ({@code UNAVAILABLE}) or vanish (socket closed and removed), and count the calls it got.
 */
public final class FakeKubelet implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    private final Path socket;
    private final AtomicReference<List<PodResources>> pods = new AtomicReference<>(List.of());
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean refusing;
    private HttpServer server;

    public FakeKubelet(Path socket) throws Exception {
        this.socket = socket;
        listen();
    }

    private void listen() throws Exception {
        GrpcServer grpc = GrpcServer.server(vertx).callHandler(PodResourcesListerGrpc.getListMethod(), request ->
                request.handler(listRequest -> {
                    calls.incrementAndGet();
                    if (refusing) {
                        request.response().status(GrpcStatus.UNAVAILABLE).statusMessage("refused by the test").end();
                    } else {
                        request.response().end(ListPodResourcesResponse.newBuilder()
                                .addAllPodResources(pods.get()).build());
                    }
                }));
        server = vertx.createHttpServer().requestHandler(grpc)
                .listen(SocketAddress.domainSocketAddress(socket.toString()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public Path socket() {
        return socket;
    }

    /** What List answers from now on. */
    public void pods(PodResources... listed) {
        pods.set(List.of(listed));
    }

    public int listCalls() {
        return calls.get();
    }

    /** List answers UNAVAILABLE (true) or the pods again (false). */
    public void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** The kubelet stops: its socket is closed and removed. */
    public void vanish() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
    }

    /** The kubelet is back on the same socket. */
    public void reappear() throws Exception {
        listen();
    }

    public static PodResources pod(String namespace, String name, ContainerResources... containers) {
        return PodResources.newBuilder().setNamespace(namespace).setName(name).addAllContainers(List.of(containers))
                .build();
    }

    public static ContainerResources container(String name, String resource, String... deviceIds) {
        return ContainerResources.newBuilder().setName(name).addDevices(ContainerDevices.newBuilder()
                .setResourceName(resource).addAllDeviceIds(List.of(deviceIds))).build();
    }

    /**
     * For bench/run.sh: {@code FakeKubelet SOCKET PODS} serves PODS pods, each with one container holding a
     * time-sliced share of GPU {@code i % 4} (index ids, as the simulated GPUs have), until killed.
     */
    public static void main(String[] args) throws Exception {
        FakeKubelet kubelet = new FakeKubelet(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        PodResources[] listed = new PodResources[count];
        for (int i = 0; i < count; i++) {
            listed[i] = pod("bench", "pod-" + i, container("main", "nvidia.com/gpu", (i % 4) + "::" + i));
        }
        kubelet.pods(listed);
        Thread.currentThread().join();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
