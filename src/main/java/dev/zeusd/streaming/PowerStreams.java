package dev.zeusd.streaming;

import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.device.cpu.PowerMw;
import dev.zeusd.service.cpu.CpuService;
import dev.zeusd.service.gpu.GpuService;

/** The GPU and CPU power feeds. They publish readings; {@code api/} renders them in the dialect asked for. */
@Singleton
public class PowerStreams {
    private final PowerFeed<Long> gpu;
    private final PowerFeed<PowerMw> cpu;

    @Inject
    public PowerStreams(GpuService gpus, CpuService cpus, ZeusdConfig config) {
        this.gpu = new PowerFeed<>("gpu", gpus.ids(),
                gpus::pollPower, config.gpuPowerPollHz());
        this.cpu = new PowerFeed<>("cpu", cpus.ids(),
                id -> cpus.power(List.of(id)).thenApply(byId -> byId.get(id)), config.cpuPowerPollHz());
    }

    /** Instant power in mW per GPU. */
    public PowerFeed<Long> gpu() {
        return gpu;
    }

    /** CPU and DRAM power per package. */
    public PowerFeed<PowerMw> cpu() {
        return cpu;
    }

    public int gpuSubscribers() {
        return gpu.subscriberCount();
    }

    public int cpuSubscribers() {
        return cpu.subscriberCount();
    }

    @PreDestroy
    void close() {
        gpu.close();
        cpu.close();
    }
}
