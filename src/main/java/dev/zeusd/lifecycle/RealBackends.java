package dev.zeusd.lifecycle;

import java.nio.file.Path;

import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.cpu.rapl.RaplCpuBackend;
import dev.zeusd.device.gpu.nvml.NvmlGpuBackend;

/** NVML and RAPL backends for real nodes. */
final class RealBackends {
    private RealBackends() {
    }

    static GpuBackend gpus(ZeusdConfig config) {
        return NvmlGpuBackend.open(config.nvmlLibrary());
    }

    static CpuBackend cpus(ZeusdConfig config) {
        return RaplCpuBackend.open(config.raplRoot().map(Path::of).orElseGet(RaplCpuBackend::defaultRoot));
    }
}
