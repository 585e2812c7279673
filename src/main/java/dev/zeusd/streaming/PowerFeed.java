package dev.zeusd.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.jboss.logging.Logger;

import dev.zeusd.http.EventLoops;
import dev.zeusd.service.DaemonThreads;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.Context;

/**
 * The power stream of one device type: one {@link DevicePoller} per device, shared by all its subscribers. A device
 * is read only while someone streams it, at the type's rate; when its last subscriber leaves it is not read at the
 * next tick. The pollers tick together, so one round's changes reach a snapshot subscriber as one event, as the
 * original daemon sent them; a device slower than the period is skipped in the rounds it is still busy and never holds
 * up the others' events.
 */
public final class PowerFeed<R> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PowerFeed.class);

    private final String name;
    private final SortedMap<Integer, DevicePoller<R>> pollers = new TreeMap<>();
    private final long periodNanos;
    private final ScheduledExecutorService timer;
    private final Set<Sink<R, ?>> sinks = new HashSet<>();
    /** Samples that changed since the last round was published. */
    private final Map<Integer, Sample<R>> changed = new LinkedHashMap<>();

    private ScheduledFuture<?> ticking;
    private long round;
    private int readsOutstanding;
    private volatile int subscriberCount;

    /** @param read reads one device by id, off the caller's thread (the device's own worker) */
    public PowerFeed(String name, Collection<Integer> ids, IntFunction<CompletionStage<R>> read, int hz) {
        this.name = name;
        ids.forEach(id -> pollers.put(id, new DevicePoller<>(name, id, () -> read.apply(id))));
        this.periodNanos = Duration.ofSeconds(1).toNanos() / hz;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("zeusd-stream-" + name));
    }

    /**
     * Per-device events for {@code ids}: first the latest sample of each, then each change; each item is what was
     * pending for this subscriber when its connection was ready, oldest first, at most one sample per device.
     */
    public Multi<List<Sample<R>>> samples(Set<Integer> ids) {
        return Multi.createFrom().<List<Sample<R>>> emitter(emitter -> {
            DeviceSink<R> sink = new DeviceSink<>(Set.copyOf(ids), emitter, EventLoops.current());
            emitter.onTermination(() -> detach(sink));
            synchronized (this) {
                Map<Integer, Sample<R>> latest = new HashMap<>();
                pollers.values().forEach(p -> {
                    if (p.latest() != null) {
                        latest.put(p.deviceId(), p.latest());
                    }
                });
                sink.start(latest);
                attach(sink);
            }
            detachIfAlreadyCancelled(sink, emitter.isCancelled());
            sink.drain();
        }, BackPressureStrategy.DROP); // never drops: a sink emits only what was requested
    }

    /** Snapshots restricted by the caller to {@code ids}: one at once if every device has a reading, then per change. */
    public Multi<Snapshot<R>> snapshots(Set<Integer> ids) {
        return Multi.createFrom().<Snapshot<R>> emitter(emitter -> {
            SnapshotSink<R> sink = new SnapshotSink<>(Set.copyOf(ids), emitter, EventLoops.current());
            emitter.onTermination(() -> detach(sink));
            synchronized (this) {
                sink.start(currentSnapshot());
                attach(sink);
            }
            detachIfAlreadyCancelled(sink, emitter.isCancelled());
            sink.drain();
        }, BackPressureStrategy.DROP);
    }

    /**
     * Mutiny runs a termination callback at once when the emitter is already gone, so a connection cancelled before
     * {@link #attach} ran was detached before it was attached: undo the attach, or its devices would be polled forever.
     */
    private void detachIfAlreadyCancelled(Sink<R, ?> sink, boolean cancelled) {
        if (cancelled) {
            detach(sink);
        }
    }

    public int subscriberCount() {
        return subscriberCount;
    }

    private synchronized void attach(Sink<R, ?> sink) {
        sinks.add(sink);
        subscriberCount = sinks.size();
        sink.ids.forEach(id -> pollers.get(id).subscribe());
        if (ticking == null) {
            LOG.debugf("Stream %s: first subscriber, polling starts", name);
            ticking = timer.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void detach(Sink<R, ?> sink) {
        if (!sinks.remove(sink)) {
            return;
        }
        subscriberCount = sinks.size();
        sink.ids.forEach(id -> pollers.get(id).unsubscribe());
        if (sinks.isEmpty() && ticking != null) {
            LOG.debugf("Stream %s: last subscriber left, polling stops", name);
            ticking.cancel(false);
            ticking = null;
            changed.clear();
        }
    }

    /** Never throws: an exception would cancel the schedule for good while {@code ticking} still looks alive. */
    private void tick() {
        try {
            startRound();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Stream %s: a polling round failed", name);
        }
    }

    private synchronized void startRound() {
        if (readsOutstanding > 0) {
            publishRound(); // a device is still busy from the last round: the others' changes go out now
        }
        List<DevicePoller<R>> due = new ArrayList<>();
        pollers.values().forEach(p -> {
            if (p.due()) {
                due.add(p);
            }
        });
        long thisRound = ++round;
        readsOutstanding = due.size();
        for (DevicePoller<R> poller : due) {
            // Published from the feed's own thread: the thread that completed the read (the device's worker,
            // which one-shot requests also wait on) must not fan a round out to every subscriber.
            poller.startRead().whenCompleteAsync((reading, error) -> finished(thisRound, poller, reading, error),
                    timer);
        }
    }

    private synchronized void finished(long readRound, DevicePoller<R> poller, R reading, Throwable error) {
        Sample<R> sample = poller.finishRead(reading, error);
        if (sample != null && ticking != null) {
            changed.put(poller.deviceId(), sample);
        }
        if (readRound == round && --readsOutstanding == 0) {
            publishRound();
        }
    }

    private void publishRound() {
        readsOutstanding = 0;
        if (changed.isEmpty()) {
            return;
        }
        Round<R> published = new Round<>(Collections.unmodifiableMap(new TreeMap<>(changed)), currentSnapshot());
        changed.clear();
        Map<Optional<Context>, List<Sink<R, ?>>> byLoop = new HashMap<>();
        for (Sink<R, ?> sink : sinks) {
            if (sink.offer(published)) {
                byLoop.computeIfAbsent(sink.loop, l -> new ArrayList<>()).add(sink);
            }
        }
        // Emit on each subscriber's own event loop, one task per loop per round. Emitting from the polling thread
        // makes Netty hand every single write over to the connection's loop: with many subscribers, emitting on the
        // loops costs clearly less CPU (docs/performance.md).
        byLoop.forEach((loop, group) -> {
            if (loop.isPresent()) {
                loop.get().runOnContext(ignored -> group.forEach(Sink::drain));
            } else {
                group.forEach(Sink::drain);
            }
        });
    }

    private Snapshot<R> currentSnapshot() {
        SortedMap<Integer, R> readings = new TreeMap<>();
        long newest = 0;
        for (DevicePoller<R> poller : pollers.values()) {
            Sample<R> latest = poller.latest();
            if (latest != null) {
                readings.put(poller.deviceId(), latest.reading());
                newest = Math.max(newest, latest.timestampMs());
            }
        }
        return new Snapshot<>(newest, readings);
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        new ArrayList<>(sinks).forEach(Sink::complete);
    }
}
