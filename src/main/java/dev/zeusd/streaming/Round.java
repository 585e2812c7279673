package dev.zeusd.streaming;

import java.util.Map;

/** What one polling round changed: the new samples by device id, and the snapshot of every polled device after it. */
record Round<R>(Map<Integer, Sample<R>> changed, Snapshot<R> snapshot) {
}
