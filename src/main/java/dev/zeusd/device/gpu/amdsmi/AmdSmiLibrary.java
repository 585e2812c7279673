package dev.zeusd.device.gpu.amdsmi;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

import org.jboss.logging.Logger;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import dev.zeusd.StartupException;
import dev.zeusd.device.DeviceException;
import dev.zeusd.device.UnsupportedDriverException;

/**
 * A loaded {@code libamd_smi.so}: the raw binding, the ABI its SONAME promised, and the gate every call goes
 * through. Loaded lazily here (never in a static initialiser, for the native image).
 */
final class AmdSmiLibrary {
    private static final Logger LOG = Logger.getLogger(AmdSmiLibrary.class);
    private static final String ROCM_6_2_MISSING = "amdsmi_set_gpu_clk_limit";

    private final AmdSmi api;
    private final AmdSmiAbi abi;
    private final String path;
    private final AmdSmiCallGate gate = new AmdSmiCallGate();

    private AmdSmiLibrary(AmdSmi api, AmdSmiAbi abi, String path) {
        this.api = api;
        this.abi = abi;
        this.path = path;
    }

    /** The first candidate that opens and has every function zeusd calls. */
    static AmdSmiLibrary load(AmdSmiLibrarySearch search) {
        List<String> tried = new ArrayList<>();
        String tooOld = null;
        for (AmdSmiLibrarySearch.Candidate candidate : search.candidates()) {
            String path = candidate.path();
            if (path.contains("/") && !Files.exists(Path.of(path))) {
                tried.add(path);
                continue;
            }
            try {
                NativeLibrary library = NativeLibrary.getInstance(path);
                String missing = firstMissingFunction(library);
                if (missing == null) {
                    return new AmdSmiLibrary(Native.load(path, AmdSmi.class), candidate.abi(), path);
                }
                if (candidate.abi() == AmdSmiAbi.V24 && missing.equals(ROCM_6_2_MISSING)) {
                    tooOld = "The AMD SMI library " + path + " is from ROCm 6.2 (it lacks " + missing + "), which "
                            + "zeusd does not support; the oldest supported is " + AmdSmiLibraryVersion.OLDEST_SUPPORTED
                            + ".";
                }
                tried.add(path + " (lacks " + missing + ")");
            } catch (UnsatisfiedLinkError e) {
                tried.add(path);
            }
        }
        if (tooOld != null) {
            throw new UnsupportedDriverException(tooOld);
        }
        throw new StartupException("AMD SMI library not found (" + search.description() + "; tried "
                + String.join(", ", tried) + "); install ROCm 6.3 or later, set AMDSMI_LIB_DIR to the directory that "
                + "holds libamd_smi.so, or run with --enable cpu-read or --simulate.");
    }

    /** Resolved now rather than on the first call, so that an incomplete library is passed over at startup. */
    private static String firstMissingFunction(NativeLibrary library) {
        for (String function : Arrays.stream(AmdSmi.class.getDeclaredMethods()).map(Method::getName).sorted()
                .toList()) {
            try {
                library.getFunction(function);
            } catch (UnsatisfiedLinkError e) {
                return function;
            }
        }
        return null;
    }

    AmdSmiAbi abi() {
        return abi;
    }

    String path() {
        return path;
    }

    AmdSmiCallGate gate() {
        return gate;
    }

    /** Calls into the library through the gate and returns the status. */
    int status(ToIntFunction<AmdSmi> call) {
        return gate.call(() -> call.applyAsInt(api));
    }

    /** Calls into the library and turns a failure into a {@link DeviceException} that starts with {@code what}. */
    void check(String what, ToIntFunction<AmdSmi> call) {
        int status = status(call);
        if (status != AmdSmi.AMDSMI_STATUS_SUCCESS) {
            throw error(what, status);
        }
    }

    DeviceException error(String what, int status) {
        return new DeviceException(AmdSmiErrors.kindOf(status), what + ": " + message(status) + " (AMD SMI status "
                + Integer.toUnsignedString(status) + ")");
    }

    /** AMD SMI's own text for a status, or the number if it has none. */
    String message(int status) {
        PointerByReference text = new PointerByReference();
        int result = status(a -> a.amdsmi_status_code_to_string(status, text));
        Pointer string = text.getValue();
        return result == AmdSmi.AMDSMI_STATUS_SUCCESS && string != null ? string.getString(0)
                : "status " + Integer.toUnsignedString(status);
    }

    AmdSmiLibraryVersion version() {
        Memory version = new Memory(AmdSmiAbi.VERSION_SIZE);
        version.clear();
        check("amdsmi_get_lib_version", a -> a.amdsmi_get_lib_version(version));
        return abi.version(version);
    }

    void init() {
        check("amdsmi_init", a -> a.amdsmi_init(AmdSmi.AMDSMI_INIT_AMD_GPUS));
    }

    void shutDown() {
        int status = status(AmdSmi::amdsmi_shut_down);
        if (status != AmdSmi.AMDSMI_STATUS_SUCCESS) {
            LOG.warnf("amdsmi_shut_down: %s", message(status));
        }
    }

    /** Every GPU of every socket, in the library's order: that order is the GPU ids. */
    List<Pointer> processorHandles() {
        List<Pointer> processors = new ArrayList<>();
        for (Pointer socket : handles("amdsmi_get_socket_handles",
                (count, out) -> api.amdsmi_get_socket_handles(count, out))) {
            processors.addAll(handles("amdsmi_get_processor_handles",
                    (count, out) -> api.amdsmi_get_processor_handles(socket, count, out)));
        }
        return processors;
    }

    private interface HandleCall {
        int call(IntByReference count, Pointer handles);
    }

    /** The two-step idiom of the C API: ask for the count with a null buffer, then fill a buffer of that size. */
    private List<Pointer> handles(String what, HandleCall call) {
        IntByReference count = new IntByReference();
        check(what, a -> call.call(count, null));
        if (count.getValue() == 0) {
            return List.of();
        }
        Memory buffer = new Memory((long) count.getValue() * Native.POINTER_SIZE);
        buffer.clear();
        check(what, a -> call.call(count, buffer));
        List<Pointer> handles = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            handles.add(buffer.getPointer((long) i * Native.POINTER_SIZE));
        }
        return handles;
    }
}
