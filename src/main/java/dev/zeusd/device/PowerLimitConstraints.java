package dev.zeusd.device;

/** The range a GPU's power limit may be set to, in milliwatts. */
public record PowerLimitConstraints(long minPowerLimitMw, long maxPowerLimitMw) {
    public boolean allows(long powerLimitMw) {
        return powerLimitMw >= minPowerLimitMw && powerLimitMw <= maxPowerLimitMw;
    }
}
