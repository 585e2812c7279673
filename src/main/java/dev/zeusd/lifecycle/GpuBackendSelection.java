package dev.zeusd.lifecycle;

import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.zeusd.StartupException;
import dev.zeusd.config.GpuBackendChoice;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.UnsupportedDriverException;

/**
 * {@code --gpu-backend}: a named backend must open (its failure stops the daemon with its one sentence); {@code auto}
 * opens both, uses the one that found GPUs, refuses GPUs of both vendors, and starts without GPUs if neither did
 * (a library that is missing or finds no driver counts as no GPUs; one of a refused version still stops startup).
 */
final class GpuBackendSelection {
    private static final Logger LOG = Logger.getLogger(GpuBackendSelection.class);

    private GpuBackendSelection() {
    }

    static GpuBackend select(GpuBackendChoice choice, Supplier<GpuBackend> nvml, Supplier<GpuBackend> amdsmi) {
        return switch (choice) {
            case NVML -> nvml.get();
            case AMDSMI -> amdsmi.get();
            case AUTO -> auto(nvml, amdsmi);
        };
    }

    private static GpuBackend auto(Supplier<GpuBackend> nvml, Supplier<GpuBackend> amdsmi) {
        GpuBackend nvidia = probe("NVML", nvml);
        GpuBackend amd;
        try {
            amd = probe("AMD SMI", amdsmi);
        } catch (RuntimeException e) {
            close(nvidia);
            throw e;
        }
        if (nvidia != null && amd != null) {
            int nvidiaCount = nvidia.devices().size();
            int amdCount = amd.devices().size();
            close(nvidia);
            close(amd);
            throw new StartupException("Found GPUs of both vendors (" + nvidiaCount + " through NVML, " + amdCount
                    + " through AMD SMI); pick one with --gpu-backend nvml or --gpu-backend amdsmi.");
        }
        if (nvidia != null) {
            return nvidia;
        }
        if (amd != null) {
            return amd;
        }
        LOG.info("--gpu-backend auto: neither NVML nor AMD SMI found a GPU; serving without GPUs");
        return GpuBackend.none();
    }

    /** The backend if it opened and found GPUs, else null (closed). */
    private static GpuBackend probe(String name, Supplier<GpuBackend> open) {
        GpuBackend backend;
        try {
            backend = open.get();
        } catch (UnsupportedDriverException e) {
            throw e;
        } catch (StartupException e) {
            LOG.infof("--gpu-backend auto: no %s GPUs: %s", name, e.getMessage());
            return null;
        }
        if (backend.devices().isEmpty()) {
            LOG.infof("--gpu-backend auto: %s found no GPUs", name);
            backend.close();
            return null;
        }
        return backend;
    }

    private static void close(GpuBackend backend) {
        if (backend != null) {
            backend.close();
        }
    }
}
