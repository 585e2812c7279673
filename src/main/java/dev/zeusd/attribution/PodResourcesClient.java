package dev.zeusd.attribution;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.zeusd.kubelet.podresources.v1.ListPodResourcesRequest;
import dev.zeusd.kubelet.podresources.v1.PodResources;
import dev.zeusd.kubelet.podresources.v1.PodResourcesListerGrpc;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;

/**
 * {@code v1.PodResourcesLister/List} on the kubelet's Unix socket, through Vert.x' gRPC client and the stubs protoc
 * and grpc-java generate from {@code src/main/proto}. Not Quarkus' gRPC extension: in Quarkus 3.33 its
 * {@code @GrpcClient} channels dial only TCP hosts, and the extension starts its client and server support even when
 * unused. Vert.x' client takes any {@link SocketAddress} and runs on the daemon's own event loops, with no extra
 * threads.
 */
public final class PodResourcesClient implements AutoCloseable {
    /** The kubelet sends at most 16 MiB per message (its podresources server's limit). */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Vertx vertx;
    private final GrpcClient client;
    private final SocketAddress kubelet;
    private final Duration deadline;

    public PodResourcesClient(Vertx vertx, Path socket, Duration deadline) {
        this.vertx = vertx;
        this.deadline = deadline;
        this.kubelet = SocketAddress.domainSocketAddress(socket.toString());
        this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setTransportOptions(new HttpClientOptions().setConnectTimeout((int) deadline.toMillis())
                        .setMaxPoolSize(1).setKeepAliveTimeout(Math.max(1, (int) deadline.toSeconds() * 4))));
    }

    /** Every pod the kubelet has resources for; fails if it does not answer OK within the deadline. */
    public Future<List<PodResources>> list() {
        Promise<List<PodResources>> result = Promise.promise();
        long timer = vertx.setTimer(deadline.toMillis(), t -> result.tryFail(
                new TimeoutException("no answer within " + deadline.toMillis() + " ms")));
        client.request(kubelet, PodResourcesListerGrpc.getListMethod()).compose(request -> {
            result.future().onFailure(e -> request.cancel()); // the deadline passed: drop the call
            return request.send(ListPodResourcesRequest.getDefaultInstance());
        }).compose(response -> response.last().transform(last -> {
            if (response.status() != null && response.status() != GrpcStatus.OK) {
                return Future.failedFuture("status " + response.status().name()
                        + (response.statusMessage() == null ? "" : ": " + response.statusMessage()));
            }
            return last.succeeded() ? Future.succeededFuture(last.result().getPodResourcesList())
                    : Future.failedFuture(last.cause());
        })).onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                result.tryComplete(done.result());
            } else {
                result.tryFail(done.cause());
            }
        });
        return result.future();
    }

    @Override
    public void close() {
        client.close();
    }
}
