package dev.zeusd.service.gpu.override;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.zeusd.service.gpu.command.GpuCommand.Operation;

/**
 * One operation's commands, already split into words, run in order until the first failure: a non-zero exit, a
 * timeout, a command that cannot start, or output matching {@code errorPattern} (even after exit 0, since some vendor
 * tools exit 0 when the kernel refused the write). Commands that already ran are not undone.
 */
public record CommandOverride(Operation operation, List<List<String>> commands,
        Optional<Pattern> errorPattern, Duration timeout) {
    /** The placeholder every operation fills in: the GPU the command runs for. */
    public static final String GPU_ID = "gpu_id";
    private static final Logger LOG = Logger.getLogger(CommandOverride.class);

    /**
     * Runs the commands with {@code values} filled in, on the calling thread.
     *
     * @param values every placeholder of the operation, {@code gpu_id} included
     * @return what ran, for the audit line: each command line with its exit status
     * @throws OverrideCommandFailed at the first command that fails
     */
    public String run(Map<String, String> values) {
        List<String> ran = new ArrayList<>();
        for (List<String> words : commands) {
            List<String> filled = words.stream().map(word -> Placeholders.substitute(word, values)).toList();
            CommandResult result = CommandProcess.run(filled, timeout);
            String failure = failure(result);
            ran.add(result.commandLine() + ": " + (failure == null ? result.status() : failure));
            if (failure != null) {
                LOG.warnf("GPU %s %s override: '%s' %s%nstdout: %s%nstderr: %s", values.get(GPU_ID),
                        operation.wireName(), result.commandLine(), failure, result.stdout(), result.stderr());
                throw new OverrideCommandFailed(result, failure, String.join("; ", ran));
            }
            LOG.debugf("GPU %s %s override: '%s' %s", values.get(GPU_ID), operation.wireName(),
                    result.commandLine(), result.status());
        }
        return String.join("; ", ran);
    }

    /** Why the command counts as failed, or null if it succeeded. */
    private String failure(CommandResult result) {
        if (!result.exitedZero()) {
            return result.status();
        }
        if (errorPattern.isPresent() && errorPattern.get().matcher(result.stdout() + result.stderr()).find()) {
            return "exited 0 but its output matched error_pattern '" + errorPattern.get().pattern() + "'";
        }
        return null;
    }
}
