package dev.zeusd.device.gpu.sim;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;

/** A node of simulated GPUs, each seeded from its index so every run looks the same. */
public final class SimulatedGpuBackend implements GpuBackend {
    public static final int DEFAULT_GPU_COUNT = 4;

    private final List<GpuDevice> devices;

    public SimulatedGpuBackend(int count, LongSupplier nanoClock) {
        this.devices = IntStream.range(0, count)
                .<GpuDevice> mapToObj(i -> new SimulatedGpu(i, 0x5eed_0000L + i, nanoClock))
                .toList();
    }

    @Override
    public List<GpuDevice> devices() {
        return devices;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public void close() {
    }
}
