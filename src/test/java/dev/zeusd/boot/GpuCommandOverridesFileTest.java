package dev.zeusd.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.StartupException;
import dev.zeusd.config.ApiGroup;

/** Loading --gpu-command-overrides at startup: file trust, startup sentences, and what it means for the root check. */
class GpuCommandOverridesFileTest {
    private static final String VALID = "[set_power_limit]\ncommands = [\"tool {gpu_id} {power_limit_w}\"]\n";

    @TempDir
    Path dir;

    private Path file(String toml, String mode) throws IOException {
        Path file = Files.writeString(dir.resolve("overrides.toml"), toml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static long myUid() throws IOException {
        return PrivilegeCheck.effectiveUid(Path.of("/proc/self/status")).orElseThrow();
    }

    @Test
    void aFileOfRootOrOurOwnUserLoads() throws IOException {
        Path file = file(VALID, "rw-r--r--");
        GpuCommandOverridesFile.Loaded loaded = GpuCommandOverridesFile.load(file, myUid());
        assertEquals(List.of("set_power_limit"), loaded.overrides().operationNames());
        assertEquals(Optional.empty(), loaded.warning());
        if (myUid() == 0) {
            assertEquals(List.of("set_power_limit"),
                    GpuCommandOverridesFile.load(file, 4242).overrides().operationNames(), "root-owned, any daemon user");
        }
    }

    @Test
    void writableByOthersIsRefused() throws IOException {
        Path file = file(VALID, "rw-rw-rw-");
        StartupException e = assertThrows(StartupException.class, () -> GpuCommandOverridesFile.load(file, myUid()));
        assertEquals("The GPU command override file " + file + " is writable by others (rw-rw-rw-); make it writable "
                + "by its owner only (chmod 644), because zeusd runs the commands it names.", e.getMessage());
    }

    @Test
    void groupWritableLoadsWithAWarning() throws IOException {
        Path file = file(VALID, "rw-rw-r--");
        GpuCommandOverridesFile.Loaded loaded = GpuCommandOverridesFile.load(file, myUid());
        assertEquals(Optional.of("The GPU command override file " + file + " is group-writable (rw-rw-r--): anyone in "
                + "its group can change which commands zeusd runs."), loaded.warning());
        assertEquals(List.of("set_power_limit"), loaded.overrides().operationNames());
    }

    @Test
    void anotherOwnerIsRefused() throws IOException {
        Path file = file(VALID, "rw-r--r--");
        long daemonUid = myUid();
        if (myUid() == 0) {
            Files.setAttribute(file, "unix:uid", 65534); // root may give it away
        } else {
            daemonUid = myUid() + 1; // a file of ours, seen by a daemon running as someone else
        }
        long owner = myUid() == 0 ? 65534 : myUid();
        long euid = daemonUid;
        StartupException e = assertThrows(StartupException.class, () -> GpuCommandOverridesFile.load(file, euid));
        assertEquals("The GPU command override file " + file + " is owned by uid " + owner + "; it must be owned by "
                + "root or by the user running zeusd (uid " + euid + "), because zeusd runs the commands it names.",
                e.getMessage());
    }

    @Test
    void aMissingFileAndAnInvalidOneAreOneSentenceEach() throws IOException {
        Path missing = dir.resolve("missing.toml");
        assertEquals("The GPU command override file " + missing + " does not exist or is not a file "
                + "(--gpu-command-overrides).", assertThrows(StartupException.class,
                        () -> GpuCommandOverridesFile.load(missing, myUid())).getMessage());
        Path file = file("[set_power_limit]\ncommands = [\"tool --value={max_clock_mhz}\"]\n", "rw-r--r--");
        assertEquals("GPU command override file " + file + ": operation 'set_power_limit' has unknown placeholder "
                + "'{max_clock_mhz}' in '--value={max_clock_mhz}' (set_power_limit fills in {gpu_id}, {power_limit_mw}, "
                + "{power_limit_w}).", assertThrows(StartupException.class,
                        () -> GpuCommandOverridesFile.load(file, myUid())).getMessage());
    }

    @Test
    void overridesLiftTheRootRequirementOfGpuControlOnly() {
        EnumSet<ApiGroup> gpu = EnumSet.of(ApiGroup.GPU_CONTROL, ApiGroup.GPU_READ);
        PrivilegeCheck.verify(gpu, true, 1000);
        assertTrue(assertThrows(StartupException.class, () -> PrivilegeCheck.verify(gpu, false, 1000)).getMessage()
                .startsWith("API group 'gpu-control' requires root but zeusd runs as uid 1000"));
        assertEquals("API group 'cpu-read' requires root but zeusd runs as uid 1000; run it with sudo, or enable only "
                + "groups that need no root (--enable gpu-control,gpu-read).", assertThrows(StartupException.class,
                        () -> PrivilegeCheck.verify(EnumSet.allOf(ApiGroup.class), true, 1000)).getMessage());
        PrivilegeCheck.verify(EnumSet.allOf(ApiGroup.class), false, 0);
    }
}
