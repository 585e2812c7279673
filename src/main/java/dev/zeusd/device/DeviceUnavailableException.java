package dev.zeusd.device;

/**
 * A backend cannot be opened at startup (no driver, no RAPL, unreadable counters). The message is one sentence for
 * the operator, naming what was tried and the way out; the daemon exits with it.
 */
public class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String sentence) {
        super(sentence, null, false, false);
    }
}
