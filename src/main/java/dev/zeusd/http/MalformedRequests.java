package dev.zeusd.http;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Requests the HTTP layer refused (malformed, oversized, unroutable): counted in {@code zeusd_malformed_requests_total}
 * and logged at most once a minute at INFO (each one at DEBUG), so a client cannot choose the log volume.
 */
@Singleton
public class MalformedRequests {
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final Logger LOG = Logger.getLogger(MalformedRequests.class);

    private final Counter counter;
    private final AtomicLong sinceLastLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    @Inject
    public MalformedRequests(MeterRegistry registry) {
        this.counter = Counter.builder("zeusd.malformed.requests")
                .description("Requests refused by the HTTP layer (malformed, oversized or unroutable)")
                .register(registry);
    }

    void count(int status, String detail) {
        counter.increment();
        sinceLastLog.incrementAndGet();
        LOG.debugf("Refused a request with %d (%s)", status, detail);
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            LOG.infof("Refused %d malformed request(s) in the last minute or so (latest: %d, %s)",
                    sinceLastLog.getAndSet(0), status, detail);
        }
    }
}
