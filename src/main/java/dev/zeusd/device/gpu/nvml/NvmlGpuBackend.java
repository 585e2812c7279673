package dev.zeusd.device.gpu.nvml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import dev.zeusd.StartupException;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;

/**
 * The node's GPUs through NVML: loaded lazily (never in a static initialiser, for the native image), initialised
 * once here and shut down once in {@link #close()}, since device handles die with {@code nvmlShutdown}.
 */
public final class NvmlGpuBackend implements GpuBackend {
    static final List<String> DEFAULT_LIBRARIES = List.of("libnvidia-ml.so.1", "libnvidia-ml.so");

    private final Nvml nvml;
    private final List<GpuDevice> devices;
    private boolean closed;

    private NvmlGpuBackend(Nvml nvml, List<GpuDevice> devices) {
        this.nvml = nvml;
        this.devices = devices;
    }

    /** @param libraryPath {@code --nvml-library}; absent means the driver's usual names */
    public static NvmlGpuBackend open(Optional<String> libraryPath) {
        Nvml nvml = load(libraryPath);
        try {
            NvmlGpu.check(nvml, nvml.nvmlInit_v2(), "nvmlInit_v2");
        } catch (DeviceException e) {
            throw new StartupException("NVML could not be initialised (" + e.getMessage() + "); check the NVIDIA "
                    + "driver, or run with --enable cpu-read or --simulate.");
        }
        try {
            IntByReference count = new IntByReference();
            NvmlGpu.check(nvml, nvml.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount_v2");
            List<GpuDevice> devices = new ArrayList<>();
            for (int i = 0; i < count.getValue(); i++) {
                PointerByReference handle = new PointerByReference();
                NvmlGpu.check(nvml, nvml.nvmlDeviceGetHandleByIndex_v2(i, handle),
                        "nvmlDeviceGetHandleByIndex_v2(" + i + ")");
                devices.add(new NvmlGpu(nvml, i, handle.getValue()));
            }
            return new NvmlGpuBackend(nvml, List.copyOf(devices));
        } catch (DeviceException e) {
            nvml.nvmlShutdown();
            throw new StartupException("NVML could not list the GPUs (" + e.getMessage() + ").");
        }
    }

    private static Nvml load(Optional<String> libraryPath) {
        List<String> candidates = libraryPath.map(List::of).orElse(DEFAULT_LIBRARIES);
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            // JNA takes a name with a slash as a file path, which must then be absolute.
            String name = candidate.contains("/") ? Path.of(candidate).toAbsolutePath().toString() : candidate;
            try {
                return Native.load(name, Nvml.class);
            } catch (UnsatisfiedLinkError e) {
                failures.add(name);
            }
        }
        throw new StartupException("NVML library not found (tried " + String.join(", ", failures)
                + "); install the NVIDIA driver, pass --nvml-library PATH, or run with --enable cpu-read or "
                + "--simulate.");
    }

    @Override
    public List<GpuDevice> devices() {
        return devices;
    }

    @Override
    public String name() {
        return "NVML";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            nvml.nvmlShutdown();
        }
    }
}
