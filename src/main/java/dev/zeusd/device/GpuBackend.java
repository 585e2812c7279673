package dev.zeusd.device;

import java.util.List;

/** The GPUs of the node, indexed by GPU id, and whatever must be released when the daemon stops. */
public interface GpuBackend extends AutoCloseable {
    List<GpuDevice> devices();

    @Override
    void close();

    static GpuBackend none() {
        return new GpuBackend() {
            @Override
            public List<GpuDevice> devices() {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
