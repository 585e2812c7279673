package dev.zeusd.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The feed without Vert.x: devices answer at once with a value that changes on every read (or stays put, or fails),
 * and the test counts reads per device.
 */
class PowerFeedTest {
    private static final int HZ = 100;
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Map<Integer, AtomicLong> reads = new ConcurrentHashMap<>();
    private final Set<Integer> steady = ConcurrentHashMap.newKeySet();
    private final Set<Integer> failing = ConcurrentHashMap.newKeySet();
    private final PowerFeed<Long> feed = new PowerFeed<>("test", List.of(0, 1, 2), this::read, HZ);

    private CompletionStage<Long> read(int id) {
        long n = reads.computeIfAbsent(id, i -> new AtomicLong()).incrementAndGet();
        if (failing.contains(id)) {
            return CompletableFuture.failedFuture(new IllegalStateException("device " + id + " is gone"));
        }
        return CompletableFuture.completedFuture(steady.contains(id) ? id * 1000L : id * 1000L + n);
    }

    private long readsOf(int id) {
        AtomicLong count = reads.get(id);
        return count == null ? 0 : count.get();
    }

    @AfterEach
    void close() {
        feed.close();
    }

    @Test
    void onlyStreamedDevicesAreReadAndOnlyWhileStreamed() throws Exception {
        Thread.sleep(50);
        assertEquals(0, readsOf(0) + readsOf(1) + readsOf(2), "read with nobody subscribed");
        List<Sample<Long>> got = new CopyOnWriteArrayList<>();
        Cancellable subscription = feed.samples(Set.of(1)).subscribe().with(got::addAll);
        await(() -> got.size() >= 5);
        assertEquals(0, readsOf(0) + readsOf(2), "devices nobody streams were read");
        assertTrue(got.stream().allMatch(s -> s.deviceId() == 1), got.toString());
        subscription.cancel();
        assertEquals(0, feed.subscriberCount());
        Thread.sleep(2 * 1000 / HZ); // at most one tick already under way
        long settled = readsOf(1);
        Thread.sleep(100);
        assertEquals(settled, readsOf(1), "device read after its last subscriber left");
    }

    @Test
    void subscribersShareOnePollerPerDevice() throws Exception {
        List<Sample<Long>> a = new CopyOnWriteArrayList<>();
        List<Sample<Long>> b = new CopyOnWriteArrayList<>();
        Cancellable first = feed.samples(Set.of(0, 2)).subscribe().with(a::addAll);
        Cancellable second = feed.samples(Set.of(2)).subscribe().with(b::addAll);
        long start = readsOf(2);
        Thread.sleep(300);
        long perDevice = readsOf(2) - start;
        // 100 Hz for 0.3 s, however many subscribers: one read per tick, with slack for a loaded machine
        assertTrue(perDevice >= 5 && perDevice <= 40, perDevice + " reads of GPU 2 in 0.3 s at 100 Hz");
        assertEquals(2, feed.subscriberCount());
        first.cancel();
        second.cancel();
    }

    @Test
    void aLateSubscriberGetsTheLatestSampleOfEachDeviceAtOnceEvenWhenNothingChanges() throws Exception {
        steady.addAll(List.of(0, 1));
        List<Sample<Long>> early = new CopyOnWriteArrayList<>();
        Cancellable first = feed.samples(Set.of(0, 1)).subscribe().with(early::addAll);
        await(() -> early.size() == 2);
        Thread.sleep(50);
        assertEquals(2, early.size(), "steady values were sent again: " + early);

        List<Sample<Long>> late = new CopyOnWriteArrayList<>();
        Cancellable second = feed.samples(Set.of(1)).subscribe().with(late::addAll);
        assertEquals(1, late.size(), "the latest sample must come with the subscription");
        assertEquals(1000L, late.get(0).reading());
        first.cancel();
        second.cancel();
    }

    @Test
    void snapshotsCoverEveryRequestedDeviceAndComeFirstOnConnect() throws Exception {
        steady.add(0);
        List<Snapshot<Long>> got = new CopyOnWriteArrayList<>();
        Cancellable subscription = feed.snapshots(Set.of(0, 2)).subscribe().with(got::add);
        await(() -> got.size() >= 3);
        for (Snapshot<Long> snapshot : got) {
            assertTrue(snapshot.readings().keySet().containsAll(Set.of(0, 2)), snapshot.readings().toString());
            assertEquals(0L, snapshot.readings().get(0));
        }
        List<Snapshot<Long>> late = new CopyOnWriteArrayList<>();
        Cancellable second = feed.snapshots(Set.of(0)).subscribe().with(late::add);
        assertEquals(1, late.size(), "a snapshot subscriber gets one at once when every device has a reading");
        Thread.sleep(50);
        assertEquals(1, late.size(), "GPU 0 never changes: no further snapshot for it alone");
        subscription.cancel();
        second.cancel();
    }

    @Test
    void aFailingDeviceSendsNothingAndDoesNotHoldUpTheOthers() throws Exception {
        failing.add(1);
        List<Sample<Long>> got = new CopyOnWriteArrayList<>();
        Cancellable subscription = feed.samples(Set.of(0, 1)).subscribe().with(got::addAll);
        await(() -> got.size() >= 5);
        assertTrue(got.stream().allMatch(s -> s.deviceId() == 0), got.toString());
        assertTrue(readsOf(1) > 0, "the failing device was never tried");
        subscription.cancel();
    }

    @Test
    void aStalledSubscriberHoldsOnlyTheNewestSamplePerDevice() throws Exception {
        var subscriber = io.smallrye.mutiny.helpers.test.AssertSubscriber.<List<Sample<Long>>> create(0);
        feed.samples(Set.of(0, 2)).subscribe(subscriber);
        long before = readsOf(0);
        await(() -> readsOf(0) > before + 10);
        subscriber.request(10);
        assertEquals(1, subscriber.getItems().size(), "what was pending must go out as one batch");
        List<Sample<Long>> items = subscriber.getItems().get(0);
        assertEquals(2, items.size(), "more than one pending sample per device: " + items);
        assertEquals(List.of(0, 2), List.of(items.get(0).deviceId(), items.get(1).deviceId()), "in device order");
        assertTrue(items.get(0).reading() % 1000 > 10, "an old sample was kept: " + items);
        subscriber.cancel();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + WAIT);
            Thread.sleep(5);
        }
    }
}
