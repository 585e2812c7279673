package dev.zeusd.attribution;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.GpuIdentity;
import dev.zeusd.kubelet.podresources.v1.PodResources;
import dev.zeusd.service.gpu.GpuService;
import io.quarkus.runtime.Startup;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * GPUs to pods, refreshed every {@code --pod-attribution-interval} from the kubelet (never on a request or scrape).
 * A failed list keeps the last good one for one more interval, then every GPU is attributed to nobody until the
 * kubelet answers again; an outage is one log line and costs nothing else (readiness does not look here).
 */
@Startup
@Singleton
public class PodAttribution {
    private static final Logger LOG = Logger.getLogger(PodAttribution.class);
    private static final Duration LIST_DEADLINE = Duration.ofSeconds(5);

    private final GpuService gpus;
    /** Fixed when the backend opened the GPUs. */
    private final SortedMap<Integer, GpuIdentity> identities;
    private final Optional<PodResourcesClient> kubelet;
    private final String socket;
    private final Duration interval;
    private final Vertx vertx;
    private final List<Consumer<GpuAssignments>> listeners = new CopyOnWriteArrayList<>();
    private volatile GpuAssignments current;
    private volatile boolean listedLast;
    private long timer = -1;
    // guarded by this: one list at a time, the failures since the last good one, what MIG ids belong to, and the
    // MIG ids that no GPU here had when last asked (a stale list keeps naming them: asked again only for new ones)
    private boolean listing;
    private int failures;
    private Map<String, Integer> migParents = Map.of();
    private Set<String> migIdsOfNoGpu = Set.of();

    @Inject
    public PodAttribution(ZeusdConfig config, Vertx vertx, GpuService gpus) {
        this.gpus = gpus;
        this.identities = gpus.identities();
        this.vertx = vertx;
        this.interval = config.podAttributionInterval();
        this.current = GpuAssignments.none(gpus.ids());
        this.socket = config.kubeletPodResourcesSocket().map(Object::toString).orElse("");
        Duration deadline = interval.compareTo(LIST_DEADLINE) < 0 ? interval : LIST_DEADLINE;
        this.kubelet = config.kubeletPodResourcesSocket().map(path -> new PodResourcesClient(vertx, path, deadline));
        if (kubelet.isPresent()) {
            LOG.infof("Pod attribution: listing the kubelet's pod resources at %s every %d ms", socket,
                    interval.toMillis());
            timer = vertx.setPeriodic(1, interval.toMillis(), t -> refresh());
        }
    }

    /** Whether {@code --kubelet-pod-resources-socket} is set. */
    public boolean enabled() {
        return kubelet.isPresent();
    }

    /** The last result: every GPU id, with the containers assigned to it. */
    public GpuAssignments current() {
        return current;
    }

    /** Whether the last list succeeded, for {@code zeusd_pod_attribution_up}. */
    public boolean listedLast() {
        return listedLast;
    }

    /**
     * {@code listener} gets the current result now and every new one, in order (on a Vert.x event loop; keep it
     * short). Synchronized with {@link #show}, so a list arriving meanwhile cannot overtake the current one.
     */
    public synchronized void onChange(Consumer<GpuAssignments> listener) {
        listeners.add(listener);
        listener.accept(current);
    }

    private void refresh() {
        synchronized (this) {
            if (listing) {
                return; // the last list is still waiting for its deadline
            }
            listing = true;
        }
        kubelet.get().list().onComplete(listed -> {
            if (listed.failed()) {
                failed(listed.cause());
                return;
            }
            try {
                attribute(listed.result());
            } catch (RuntimeException e) {
                failed(e); // never leave `listing` set: the next interval lists again
            }
        });
    }

    /** On the event loop that got the list; a MIG lookup's answer comes back to that loop, off the GPU workers. */
    private void attribute(List<PodResources> pods) {
        GpuAssignments joined = GpuAssignments.join(pods, identities, migParents());
        if (!needsMigLookup(joined.unknownMigIds())) {
            publish(joined);
            return;
        }
        Context loop = vertx.getOrCreateContext();
        readMigParents().whenComplete((parents, e) -> loop.runOnContext(v -> {
            try {
                GpuAssignments rejoined = GpuAssignments.join(pods, identities,
                        parents != null ? parents : migParents());
                synchronized (this) {
                    migIdsOfNoGpu = rejoined.unknownMigIds();
                }
                if (!rejoined.unknownMigIds().isEmpty()) {
                    LOG.debugf("Pod attribution: MIG devices of no GPU here: %s", rejoined.unknownMigIds());
                }
                publish(rejoined);
            } catch (RuntimeException failure) {
                failed(failure);
            }
        }));
    }

    private synchronized boolean needsMigLookup(Set<String> unknownMigIds) {
        return !migIdsOfNoGpu.containsAll(unknownMigIds);
    }

    private synchronized Map<String, Integer> migParents() {
        return migParents;
    }

    /**
     * Asks every GPU for its MIG devices (a MIG id in a kubelet list names no GPU by itself); a GPU that does not
     * answer keeps the MIG devices it had.
     */
    private CompletionStage<Map<String, Integer>> readMigParents() {
        Map<Integer, CompletableFuture<List<String>>> reads = gpus.migDevices(gpus.ids());
        return CompletableFuture.allOf(reads.values().stream().map(f -> f.exceptionally(e -> null))
                .toArray(CompletableFuture[]::new)).thenApply(done -> {
                    Map<String, Integer> parents = new HashMap<>();
                    migParents().forEach((mig, gpu) -> {
                        if (reads.get(gpu).isCompletedExceptionally()) {
                            parents.put(mig, gpu);
                        }
                    });
                    reads.forEach((gpu, read) -> {
                        if (!read.isCompletedExceptionally()) {
                            read.join().forEach(mig -> parents.put(mig.toLowerCase(Locale.ROOT), gpu));
                        }
                    });
                    Map<String, Integer> known = Map.copyOf(parents);
                    synchronized (this) {
                        migParents = known;
                    }
                    return known;
                });
    }

    private void publish(GpuAssignments assignments) {
        synchronized (this) {
            listing = false;
            failures = 0;
            listedLast = true;
        }
        show(assignments);
    }

    private void failed(Throwable cause) {
        int failed;
        synchronized (this) {
            listing = false;
            failed = ++failures;
            listedLast = false;
        }
        if (failed == 1) {
            LOG.warnf("Pod attribution: the kubelet at %s did not list pod resources (%s); the last list is kept for "
                    + "%d ms, then no GPU is attributed until it answers", socket, reason(cause), interval.toMillis());
        } else if (failed == 2) {
            show(GpuAssignments.none(gpus.ids()));
        }
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Listeners hear of a list only when it differs from the last: most lists repeat the one before. */
    private synchronized void show(GpuAssignments assignments) {
        if (assignments.equals(current)) {
            return;
        }
        current = assignments;
        listeners.forEach(listener -> listener.accept(assignments));
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        kubelet.ifPresent(PodResourcesClient::close);
    }
}
