package dev.zeusd.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The packaged daemon run as a real process ({@code java -jar target/quarkus-app/quarkus-run.jar ...}). */
public final class ZeusdProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ZeusdProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static Path appDir() {
        return Path.of(System.getProperty("test.app.dir", "target/quarkus-app"));
    }

    /** Starts {@code zeusd args...}, optionally prefixed by a wrapper such as setpriv. */
    public static ZeusdProcess start(List<String> wrapper, Path appDir, String... args) throws IOException {
        return start(Map.of(), wrapper, appDir, args);
    }

    /** Starts {@code zeusd args...} with these variables added to (or, mapped to null, removed from) its environment. */
    public static ZeusdProcess start(Map<String, String> environment, String... args) throws IOException {
        return start(environment, List.of(), appDir(), args);
    }

    private static ZeusdProcess start(Map<String, String> environment, List<String> wrapper, Path appDir,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(appDir.resolve("quarkus-run.jar").toString());
        return launch(command, environment, args);
    }

    /**
     * Starts {@code program args...} with these variables added to (or, mapped to null, removed from) its
     * environment, e.g. the packaged launcher {@code bin/zeusd}.
     */
    public static ZeusdProcess launch(List<String> program, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of(args));
        if (List.of(args).contains("serve") && !List.of(args).contains("--management-bind-address")) {
            // never the default 9464: parallel builds and whatever else runs on the machine may hold it
            command.addAll(List.of("--management-bind-address", "127.0.0.1:" + freeTcpPort()));
        }
        Path out = Files.createTempFile("zeusd-out", ".log");
        Path err = Files.createTempFile("zeusd-err", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new ZeusdProcess(builder.start(), out, err);
    }

    public long pid() {
        return process.pid();
    }

    /** A TCP port that was free a moment ago on the loopback address. */
    public static int freeTcpPort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    public static ZeusdProcess start(String... args) throws IOException {
        return start(List.of(), appDir(), args);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("zeusd did not exit within " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** Waits until stderr shows that Quarkus started. */
    public void awaitStarted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(" started in ")) {
            if (!process.isAlive()) {
                throw new AssertionError("zeusd exited with " + process.exitValue() + ": " + stderr());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("zeusd did not start within " + timeout + ": " + stderr());
            }
            Thread.sleep(20);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /** SIGTERM, as systemd and Kubernetes stop it, then wait. */
    public int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /**
     * A copy of the packaged app that any user can run: the build output may sit under a directory nobody cannot
     * enter (CI clones under /root).
     */
    public static Path worldReadableCopyOfApp() throws IOException {
        Path copy = Files.createTempDirectory("zeusd-app");
        Path source = ZeusdProcess.appDir();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return copy;
    }
}
