package dev.zeusd.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reading series of one device, registered while it answers and removed from the registry while it does not: a
 * scrape then leaves them out (as Prometheus expects of a target that cannot read something) instead of showing a
 * stale value or NaN. {@code zeusd_device_up} says which. Meters are Micrometer's own; only their presence changes.
 */
final class DeviceSeries {
    private final MeterRegistry registry;
    private final List<Function<MeterRegistry, Meter>> builders = new ArrayList<>();
    private final List<Meter> registered = new ArrayList<>();

    DeviceSeries(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Adds one series, registered at once. */
    synchronized void add(Function<MeterRegistry, Meter> register) {
        builders.add(register);
        registered.add(register.apply(registry));
    }

    /** Shows the series if {@code up}, else removes them; nothing changes while the state stays. */
    synchronized void show(boolean up) {
        if (up && registered.isEmpty()) {
            builders.forEach(register -> registered.add(register.apply(registry)));
        } else if (!up) {
            registered.forEach(registry::remove);
            registered.clear();
        }
    }
}
