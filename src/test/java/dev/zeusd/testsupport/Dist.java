package dev.zeusd.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The release artifacts of {@code ./mvnw package}, used the way an operator uses them. */
public final class Dist {
    private Dist() {
    }

    public static String version() {
        return System.getProperty("test.project.version", "0.1.0-SNAPSHOT");
    }

    public static Path tarball() {
        return Path.of(System.getProperty("test.dist.tarball", "target/zeusd-" + version() + "-linux.tar.gz"));
    }

    /** {@code tar -xzf} of the tarball into a fresh directory; returns the unpacked {@code zeusd/} tree. */
    public static Path unpack() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("zeusd-dist");
        Result tar = run(List.of("tar", "-xzf", tarball().toString(), "-C", dir.toString()));
        if (tar.status() != 0) {
            throw new AssertionError("tar -xzf " + tarball() + " failed: " + tar.output());
        }
        return dir.resolve("zeusd");
    }

    /** Output (stdout and stderr together) and status of a short command. */
    public record Result(int status, String output) {
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + out);
        }
        return new Result(process.exitValue(), out);
    }

    public static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }
}
