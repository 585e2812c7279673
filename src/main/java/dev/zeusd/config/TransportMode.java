package dev.zeusd.config;

/** The listener the HTTP API is served on; one per process. */
public enum TransportMode {
    UDS,
    TCP
}
