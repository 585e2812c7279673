package dev.zeusd.service.gpu.override;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command: no shell, the daemon's environment and working directory, stdin from /dev/null, and a timeout
 * after which the whole process tree is killed.
 *
 * <p>
 * stdout and stderr go to temporary files rather than pipes: a background process the command leaves behind keeps
 * a pipe open and would hold a reader (and so the request) until it exits; with files the command is done when its
 * own process is, whatever it left running.
 */
final class CommandProcess {
    /** Output kept per stream; beyond it the beginning is dropped (errors are usually at the end). */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    private static final File DEV_NULL = new File("/dev/null");
    private static final long REAP_SECONDS = 5;

    private CommandProcess() {
    }

    /** Runs on the calling thread (a GPU's worker) and returns when the command ended or was killed. */
    static CommandResult run(List<String> words, Duration timeout) {
        String line = CommandWords.join(words);
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("zeusd-override-", ".out");
            stderr = Files.createTempFile("zeusd-override-", ".err");
            Process process;
            try {
                process = new ProcessBuilder(words).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                return CommandResult.notStarted(line, startError(e));
            }
            if (waitFor(process, timeout)) {
                return CommandResult.exited(line, process.exitValue(), read(stdout), read(stderr));
            }
            ProcessTree.kill(process.toHandle());
            process.waitFor(REAP_SECONDS, TimeUnit.SECONDS);
            return CommandResult.timedOut(line, timeout, read(stdout), read(stderr));
        } catch (IOException e) {
            return CommandResult.notStarted(line, "cannot capture its output: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandResult.notStarted(line, "zeusd is stopping");
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Whether the process exited in time; if this thread is interrupted (shutdown), the tree is killed first. */
    private static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            throw e;
        }
    }

    /** Java reports a missing binary as "Cannot run program ...: error=2, No such file or directory". */
    private static String startError(IOException e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        return message.replaceFirst("^error=\\d+, ", "");
    }

    private static String read(Path file) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            long skip = Math.max(0, size - MAX_OUTPUT_BYTES);
            ByteBuffer bytes = ByteBuffer.allocate((int) (size - skip));
            channel.position(skip);
            while (bytes.hasRemaining() && channel.read(bytes) > 0) {
                // a process left behind may still be writing: read what was there at the start
            }
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
            return skip == 0 ? text : "[first " + skip + " bytes dropped]" + text;
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }
}
