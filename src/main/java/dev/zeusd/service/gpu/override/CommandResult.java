package dev.zeusd.service.gpu.override;

import java.time.Duration;

/** How one command ended, with everything it printed (up to {@link CommandProcess#MAX_OUTPUT_BYTES} per stream). */
record CommandResult(String commandLine, Ending ending, int exitCode, String detail, String stdout, String stderr) {
    enum Ending {
        EXITED, TIMED_OUT, NOT_STARTED
    }

    static CommandResult exited(String commandLine, int exitCode, String stdout, String stderr) {
        return new CommandResult(commandLine, Ending.EXITED, exitCode, null, stdout, stderr);
    }

    static CommandResult timedOut(String commandLine, Duration timeout, String stdout, String stderr) {
        return new CommandResult(commandLine, Ending.TIMED_OUT, -1,
                "timed out after " + timeout.toSeconds() + "s and was killed with its child processes", stdout, stderr);
    }

    static CommandResult notStarted(String commandLine, String reason) {
        return new CommandResult(commandLine, Ending.NOT_STARTED, -1, "could not be started: " + reason, "", "");
    }

    /** Whether it ran to a zero exit status (its output may still match the error pattern). */
    boolean exitedZero() {
        return ending == Ending.EXITED && exitCode == 0;
    }

    /** {@code exit 0}, {@code exited with code 7}, {@code timed out ...}, {@code could not be started: ...}. */
    String status() {
        if (ending != Ending.EXITED) {
            return detail;
        }
        return exitCode == 0 ? "exit 0" : "exited with code " + exitCode;
    }
}
