package dev.zeusd.api.response;

/** The per-GPU objects of the GPU read endpoints. */
public final class GpuValues {
    private GpuValues() {
    }

    public record Energy(long energyMj) {
    }

    public record PowerLimit(long powerLimitMw) {
    }

    public record PowerLimitConstraints(long minPowerLimitMw, long maxPowerLimitMw) {
    }

    public record PersistenceMode(boolean enabled) {
    }
}
