package dev.zeusd.lifecycle;

import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.cpu.rapl.RaplCpuBackend;
import dev.zeusd.device.gpu.amdsmi.AmdSmiGpuBackend;
import dev.zeusd.device.gpu.amdsmi.AmdSmiLibrarySearch;
import dev.zeusd.device.gpu.nvml.NvmlGpuBackend;

/** NVML or AMD SMI, and RAPL: the backends for real nodes. */
final class RealBackends {
    private RealBackends() {
    }

    /** The backend {@code --gpu-backend} names, or for {@code auto} the one that finds GPUs. */
    static GpuBackend gpus(ZeusdConfig config) {
        return GpuBackendSelection.select(config.gpuBackend(), () -> NvmlGpuBackend.open(config.nvmlLibrary()),
                () -> AmdSmiGpuBackend.open(AmdSmiLibrarySearch.fromEnvironment()));
    }

    static CpuBackend cpus(ZeusdConfig config) {
        return RaplCpuBackend.open(config.raplRoot().orElseGet(RaplCpuBackend::defaultRoot));
    }
}
