package dev.zeusd.device.gpu.amdsmi;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import com.sun.jna.Pointer;

import dev.zeusd.StartupException;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuBackend;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.device.UnsupportedDriverException;

/**
 * The node's AMD GPUs through AMD SMI: the library is found, its version checked (which also decides whether calls
 * must be serialised), initialised once here and shut down once in {@link #close()}.
 */
public final class AmdSmiGpuBackend implements GpuBackend {
    private static final Logger LOG = Logger.getLogger(AmdSmiGpuBackend.class);

    private final AmdSmiLibrary library;
    private final List<GpuDevice> devices;
    private boolean closed;

    private AmdSmiGpuBackend(AmdSmiLibrary library, List<GpuDevice> devices) {
        this.library = library;
        this.devices = devices;
    }

    public static AmdSmiGpuBackend open(AmdSmiLibrarySearch search) {
        AmdSmiLibrary library = AmdSmiLibrary.load(search);
        AmdSmiLibraryVersion version;
        try {
            version = library.version();
        } catch (DeviceException e) {
            throw new StartupException("AMD SMI at " + library.path() + " did not tell its version ("
                    + e.getMessage() + ").");
        }
        String problem = version.problemWith(library.abi());
        if (problem != null) {
            throw new UnsupportedDriverException(problem);
        }
        library.gate().serialise(version.needsSerialisedCalls(library.abi()));
        LOG.infof("AMD SMI %s from %s (ABI %d)%s", version, library.path(), library.abi().number(),
                library.gate().serialised() ? "; calls are serialised: libraries before 26.2 are not thread-safe"
                        : "");
        try {
            library.init();
        } catch (DeviceException e) {
            throw new StartupException("AMD SMI could not be initialised (" + e.getMessage() + "); check "
                    + "the amdgpu driver and access to /dev/kfd and /dev/dri, or run with --enable cpu-read or "
                    + "--simulate.");
        }
        try {
            List<AmdSmiGpu> gpus = new ArrayList<>();
            List<Pointer> handles = library.processorHandles();
            for (int i = 0; i < handles.size(); i++) {
                gpus.add(new AmdSmiGpu(library, i, handles.get(i)));
            }
            EnergyCounterCheck.run(gpus);
            return new AmdSmiGpuBackend(library, List.copyOf(gpus));
        } catch (DeviceException e) {
            library.shutDown();
            throw new StartupException("AMD SMI could not list the GPUs (" + e.getMessage() + ").");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            library.shutDown();
            throw new StartupException("Interrupted while checking the AMD GPUs' energy counters.");
        }
    }

    @Override
    public List<GpuDevice> devices() {
        return devices;
    }

    /** Whether every call holds the process-wide lock (libraries before 26.2). */
    boolean serialisedCalls() {
        return library.gate().serialised();
    }

    @Override
    public String name() {
        return "AMD SMI";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            library.shutDown();
        }
    }
}
