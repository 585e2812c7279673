package dev.zeusd.service;

import java.util.function.Function;

/**
 * A quantity read from a device without effects (power, energy, a limit): concurrent reads of the same quantity on the
 * same device share one hardware read ({@link DeviceWorkers#read}). Identity is the key: declare each one once, as a
 * constant.
 *
 * @param name for logs and tests
 * @param read the device call
 */
public record SharedRead<D, T>(String name, Function<D, T> read) {
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
