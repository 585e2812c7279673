package dev.zeusd.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** systemd's ProtectProc= mounts /proc with hidepid: client-exit watching would take every client for gone. */
class RestoreStateTest {
    private static final String ROOT = "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";

    @Test
    void findsAProcMountThatHidesProcesses() {
        assertEquals(Optional.of("hidepid=invisible"), RestoreState.hiddenProcesses(ROOT
                + "23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw,hidepid=invisible\n"));
        assertEquals(Optional.of("hidepid=2"), RestoreState.hiddenProcesses(ROOT
                + "23 22 0:22 / /proc rw,nosuid shared:12 - proc proc rw,hidepid=2,gid=4\n"));
    }

    @Test
    void anOrdinaryProcMountIsFine() {
        assertEquals(Optional.empty(), RestoreState.hiddenProcesses(ROOT
                + "23 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"));
        assertEquals(Optional.empty(), RestoreState.hiddenProcesses(ROOT
                + "23 22 0:22 / /proc rw shared:12 - proc proc rw,hidepid=off\n"));
        assertEquals(Optional.empty(), RestoreState.hiddenProcesses(ROOT
                + "30 22 0:40 / /mnt/other rw shared:20 - proc proc rw,hidepid=invisible\n"), "not /proc");
    }
}
