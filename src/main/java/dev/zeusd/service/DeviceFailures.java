package dev.zeusd.service;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.zeusd.device.DeviceException;

/** Some devices of a multi-device call failed; carries each failed device's error, keyed by device id. */
public class DeviceFailures extends RuntimeException {
    private final SortedMap<Integer, DeviceException> failures;

    public DeviceFailures(SortedMap<Integer, DeviceException> failures) {
        super(failures.size() + " device(s) failed", null, false, false);
        this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    }

    public SortedMap<Integer, DeviceException> failures() {
        return failures;
    }

    /** The status of the worst failure: a timeout outranks an internal fault outranks a permission problem outranks bad input. */
    public int worstStatus() {
        return failures.values().stream().mapToInt(e -> e.kind().httpStatus()).max().orElse(500);
    }
}
