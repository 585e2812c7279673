package dev.zeusd.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.zeusd.StartupException;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;
import dev.zeusd.service.gpu.restore.CorruptJournalException;
import dev.zeusd.service.gpu.restore.RestoreJournal;
import dev.zeusd.service.gpu.restore.RestorePolicy;

/** The restore flags and the state directory, checked before boot; each problem one sentence. */
public final class RestoreState {
    private RestoreState() {
    }

    public static RestorePolicy policy(ZeusdConfig config) {
        return new RestorePolicy(config.restoreOnShutdown(), config.restoreOnClientExit(), config.stateDir());
    }

    /** The {@code hidepid=} option of the /proc mount, if it hides other users' processes. */
    static Optional<String> hiddenProcesses(String mountInfo) {
        for (String line : mountInfo.split("\n")) {
            String[] halves = line.split(" - ", 2);
            String[] fields = halves[0].split(" ");
            if (halves.length < 2 || fields.length < 5 || !fields[4].equals("/proc")
                    || !halves[1].startsWith("proc ")) {
                continue;
            }
            for (String option : line.replace(" - ", ",").replace(' ', ',').split(",")) {
                if (option.startsWith("hidepid=") && !option.equals("hidepid=0") && !option.equals("hidepid=off")) {
                    return Optional.of(option);
                }
            }
        }
        return Optional.empty();
    }

    private static String readMountInfo() {
        try {
            return Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return "";
        }
    }

    static void verify(ZeusdConfig config) {
        RestorePolicy policy = policy(config);
        if (policy.onClientExit() && config.mode() != TransportMode.UDS) {
            throw new StartupException("--restore-on-client-exit needs --mode uds: over TCP zeusd cannot see the "
                    + "client's process.");
        }
        if (policy.onClientExit()) {
            hiddenProcesses(readMountInfo()).ifPresent(option -> {
                throw new StartupException("--restore-on-client-exit needs to see its clients' processes, but /proc "
                        + "is mounted with " + option + " (systemd's ProtectProc=): add the "
                        + "restore-on-client-exit.conf drop-in (ProtectProc=default).");
            });
        }
        if (policy.journals()) {
            Path dir = policy.stateDir();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StartupException("The state directory " + dir + " (--state-dir) cannot be created: " + e
                        + ".", e);
            }
            if (!Files.isWritable(dir)) {
                throw new StartupException("The state directory " + dir + " (--state-dir) is not writable; the "
                        + "restore journal needs it.");
            }
            try {
                policy.journal().read(); // a journal left by an earlier run is recovered at startup
            } catch (CorruptJournalException e) {
                throw new StartupException(e.getMessage(), e);
            }
        }
    }
}
