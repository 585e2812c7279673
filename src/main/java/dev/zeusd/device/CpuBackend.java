package dev.zeusd.device;

import java.util.List;

import dev.zeusd.device.cpu.CpuPackage;

/** The RAPL packages of the node, in ascending index order. */
public interface CpuBackend {
    List<CpuPackage> packages();

    static CpuBackend none() {
        return List::of;
    }
}
