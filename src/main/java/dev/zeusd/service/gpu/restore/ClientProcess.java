package dev.zeusd.service.gpu.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A client process, named by pid and start time (field 22 of {@code /proc/<pid>/stat}, in clock ticks since boot), so
 * that a new process that got the same pid is never taken for the old one.
 */
public record ClientProcess(long pid, long startTime) {
    /** The start time of a process that was already gone when it was first seen. */
    static final long GONE = -1;
    private static final Path PROC = Path.of("/proc");

    /** The process with this pid (as SO_PEERCRED reported it); empty for pid 0 (a process in another pid namespace). */
    public static Optional<ClientProcess> of(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return Optional.of(new ClientProcess(pid, startTimeOf(pid).orElse(GONE)));
    }

    /** The real uid of process {@code pid} ({@code Uid:} in {@code /proc/<pid>/status}); empty if it is gone. */
    public static OptionalLong uidOf(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(4).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not a Linux /proc: no owner to name
        }
        return OptionalLong.empty();
    }

    /** Whether this very process still runs (and is not a zombie). */
    public boolean isAlive() {
        if (startTime == GONE) {
            return false;
        }
        OptionalLong now = startTimeOf(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }

    static OptionalLong startTimeOf(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fields[19]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
