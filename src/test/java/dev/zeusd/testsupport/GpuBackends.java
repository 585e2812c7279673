package dev.zeusd.testsupport;

import java.util.List;

import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;

/** A backend over devices a test made itself (e.g. {@link RecordingGpu}s). */
public final class GpuBackends {
    private GpuBackends() {
    }

    public static GpuBackend of(List<GpuDevice> devices) {
        return new GpuBackend() {
            @Override
            public List<GpuDevice> devices() {
                return devices;
            }

            @Override
            public void close() {
            }
        };
    }
}
