package dev.zeusd.config;

/** {@code --gpu-backend}: which library drives the GPUs (upstream's flag and values). */
public enum GpuBackendChoice {
    /** Probe NVML and AMD SMI and use the one that finds GPUs; both vendors at once is refused. */
    AUTO,
    NVML,
    AMDSMI;

    public String wireName() {
        return name().toLowerCase();
    }
}
