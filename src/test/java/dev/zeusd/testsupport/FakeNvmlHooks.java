package dev.zeusd.testsupport;

import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The fake libnvidia-ml.so's test hooks; loading it again in the same JVM yields the library zeusd uses. */
public interface FakeNvmlHooks extends Library {
    long fake_nvml_power_reads();

    long fake_nvml_power_reads_of(int index);

    /** Reset calls of either clock domain, counted before any fault is applied. */
    long fake_nvml_reset_calls_of(int index);

    long fake_nvml_init_calls();

    long fake_nvml_shutdown_calls();

    int fake_nvml_gpu_locked_clock_max(int index);

    /** Device calls made on a thread whose name does not start with {@code zeusd-} (a device worker's). */
    long fake_nvml_foreign_thread_calls();

    /** The name of the last such thread, cut to 15 characters as Linux keeps it. */
    String fake_nvml_last_foreign_thread();

    void fake_nvml_reset_thread_counts();

    int fake_nvml_mem_locked_clock_max(int index);

    static String libraryPath() {
        return Path.of(System.getProperty("test.fake-nvml.path", "target/fake-nvml/libnvidia-ml.so.1"))
                .toAbsolutePath().toString();
    }

    static FakeNvmlHooks load() {
        return Native.load(libraryPath(), FakeNvmlHooks.class);
    }
}
