package dev.zeusd.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.subscription.Cancellable;

class DemandDrivenPollerTest {
    private static final int HZ = 20;

    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicLong value = new AtomicLong();
    private final DemandDrivenPoller<Long> poller = new DemandDrivenPoller<>("test", () -> {
        polls.incrementAndGet();
        return CompletableFuture.completedFuture(value.get());
    }, HZ);

    @AfterEach
    void close() {
        poller.close();
    }

    private Cancellable subscribe(List<Snapshot<Long>> sink) {
        return poller.subscribe().subscribe().with(sink::add);
    }

    @Test
    void noPollingWithoutSubscribers() throws InterruptedException {
        Thread.sleep(300);
        assertEquals(0, polls.get());
    }

    @Test
    void pollsAtTheRateWithOneOrTenSubscribersAndStopsWhenTheyLeave() throws InterruptedException {
        List<Cancellable> one = List.of(subscribe(new CopyOnWriteArrayList<>()));
        Thread.sleep(1000);
        int withOne = polls.getAndSet(0);
        assertTrue(withOne >= 12 && withOne <= 26, "one subscriber, 1 s at 20 Hz: " + withOne + " polls");

        List<Cancellable> ten = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ten.add(subscribe(new CopyOnWriteArrayList<>()));
        }
        Thread.sleep(1000);
        int withTen = polls.getAndSet(0);
        assertTrue(withTen >= 12 && withTen <= 26, "ten subscribers share one poller: " + withTen + " polls");

        one.forEach(Cancellable::cancel);
        ten.forEach(Cancellable::cancel);
        assertEquals(0, poller.subscriberCount());
        Thread.sleep(2 * 1000 / HZ);
        int settled = polls.get();
        Thread.sleep(300);
        assertEquals(settled, polls.get(), "polling went on after the last subscriber left");
    }

    @Test
    void publishesOnChangeOnlyButAlwaysGivesANewSubscriberItsFirstSnapshot() throws InterruptedException {
        List<Snapshot<Long>> first = new CopyOnWriteArrayList<>();
        Cancellable a = subscribe(first);
        Thread.sleep(300); // steady value: only the first snapshot
        assertEquals(1, first.size());

        List<Snapshot<Long>> late = new CopyOnWriteArrayList<>();
        Cancellable b = subscribe(late);
        Thread.sleep(100);
        assertEquals(1, late.size(), "a late subscriber must get the current snapshot at once");

        value.set(42);
        Thread.sleep(200);
        assertEquals(42L, first.get(first.size() - 1).readings());
        assertEquals(42L, late.get(late.size() - 1).readings());
        assertEquals(2, first.size());
        a.cancel();
        b.cancel();
    }

    @Test
    void aStalledSubscriberDoesNotDelayAHealthyOne() throws InterruptedException {
        AtomicInteger stalledReceived = new AtomicInteger();
        // Asks for one event, then never for another, like a client that stopped reading.
        poller.subscribe().subscribe().withSubscriber(new io.smallrye.mutiny.subscription.MultiSubscriber<Snapshot<Long>>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onItem(Snapshot<Long> item) {
                stalledReceived.incrementAndGet();
            }

            @Override
            public void onFailure(Throwable failure) {
            }

            @Override
            public void onCompletion() {
            }
        });
        List<Snapshot<Long>> healthy = new CopyOnWriteArrayList<>();
        Cancellable cancellable = subscribe(healthy);
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(1).toNanos()) {
            value.incrementAndGet(); // changes every ~5 ms, faster than the poll rate
            Thread.sleep(5);
        }
        assertTrue(healthy.size() >= 10, "healthy subscriber got only " + healthy.size() + " events");
        assertEquals(1, stalledReceived.get());
        cancellable.cancel();
    }
}
