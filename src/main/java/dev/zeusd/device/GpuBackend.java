package dev.zeusd.device;

import java.util.List;

/** The GPUs of the node, indexed by GPU id, and whatever must be released when the daemon stops. */
public interface GpuBackend extends AutoCloseable {
    List<GpuDevice> devices();

    @Override
    void close();

    /** The library or kind of devices, for the operator's log. */
    default String name() {
        return getClass().getSimpleName();
    }

    static GpuBackend none() {
        return new GpuBackend() {
            @Override
            public List<GpuDevice> devices() {
                return List.of();
            }

            @Override
            public void close() {
            }

            @Override
            public String name() {
                return "none";
            }
        };
    }
}
