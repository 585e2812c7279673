package dev.zeusd.lifecycle;

import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.GpuBackend;

/** NVML and RAPL backends for real nodes. */
final class RealBackends {
    private RealBackends() {
    }

    static GpuBackend gpus(ZeusdConfig config) {
        throw new StartupException("The NVML backend is not available in this build yet; run with --simulate.");
    }

    static CpuBackend cpus(ZeusdConfig config) {
        throw new StartupException("The RAPL backend is not available in this build yet; run with --simulate.");
    }
}
