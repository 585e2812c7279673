package dev.zeusd.device.gpu.amdsmi;

/** A clock domain's allowed range in MHz, as the GPU holds it. */
record ClockRange(long minMhz, long maxMhz) {
    /** Which limit to write first so that min never exceeds max on the way from this range to the new one. */
    WriteOrder orderTowards(long newMinMhz) {
        // Raising min above the current max first would cross; in every other case min first is safe.
        return newMinMhz > maxMhz ? WriteOrder.MAX_FIRST : WriteOrder.MIN_FIRST;
    }

    enum WriteOrder {
        MIN_FIRST,
        MAX_FIRST
    }
}
