package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.testsupport.Dist;
import dev.zeusd.testsupport.UdsHttpClient;
import dev.zeusd.testsupport.ZeusdProcess;

/** The tarball's {@code bin/zeusd} as an operator runs it: unpacked with tar, through a symlink, as a daemon. */
class LauncherIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static Path home;

    @TempDir
    Path dir;

    @BeforeAll
    static void unpack() throws Exception {
        home = Dist.unpack();
    }

    @Test
    void tarballHoldsTheInstallableTree() throws IOException {
        for (String file : List.of("lib/quarkus-run.jar", "conf/jvm.options", "systemd/zeusd.service",
                "systemd/zeusd.default", "README.md")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file + " missing from the tarball");
        }
        assertTrue(Files.isExecutable(home.resolve("bin/zeusd")), "bin/zeusd is not executable");
        assertTrue(Files.readString(home.resolve("bin/zeusd")).startsWith("#!/bin/sh\n"), "not a POSIX sh script");
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License\n"));
        assertTrue(Files.readString(home.resolve("systemd/zeusd.service"))
                .contains("\nExecStart=/opt/zeusd/bin/zeusd serve\n"), "the unit does not start the launcher");
    }

    @Test
    void versionThroughASymlinkAsInUsrBin() throws Exception {
        // beside the unpacked tree, as /usr/bin/zeusd is (JUnit's @TempDir warns about links leaving it)
        Path link = Files.createSymbolicLink(home.resolveSibling("usr-bin-zeusd"), home.resolve("bin/zeusd"));
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(link.toString()), Map.of(), "--version")) {
            assertEquals(0, zeusd.awaitExit(START), zeusd.stderr());
            assertEquals("zeusd " + Dist.version() + "\n", zeusd.stdout());
        }
    }

    @Test
    void servesOverUdsWithTheOptionsOfJvmOptionsAndStopsWithZeroOnSigterm() throws Exception {
        Path options = home.resolve("conf/jvm.options");
        List<String> shipped = optionLines(Files.readString(options));
        assertTrue(shipped.stream().anyMatch(o -> o.startsWith("-Xmx")), "no heap limit in " + shipped);
        // an operator's edit, indented, and a commented-out line that must stay out
        Files.writeString(options, "\n  -Dlauncher.test.operator=edited  \n#-Dlauncher.test.commented=1\n",
                StandardOpenOption.APPEND);
        // the install step that makes lib/app-cds.jsa for this path and this Java; the launcher then uses it
        assertFalse(Files.exists(home.resolve("lib/app-cds.jsa")), "the tarball must not ship a path-bound archive");
        assertEquals(0, Dist.run(List.of(home.resolve("bin/zeusd-appcds").toString())).status());
        assertTrue(Files.size(home.resolve("lib/app-cds.jsa")) > 1_000_000);
        // the daemon asked itself for readings while the archive was made: the JSON writer of an answer is in it
        String archived = Dist.run(List.of("java", "-XX:SharedArchiveFile=" + home.resolve("lib/app-cds.jsa"),
                "-XX:+PrintSharedArchiveAndExit", "-cp", home.resolve("lib/quarkus-run.jar").toString())).output();
        assertTrue(archived.contains("com.fasterxml.jackson.core.json.UTF8JsonGenerator "), "request path not archived");
        // loaded by verification only, never linked, so left out before the training linked what it had loaded
        assertTrue(archived.contains("com.fasterxml.jackson.databind.deser.std.CollectionDeserializer "),
                "classes that verification loads are not archived");
        Path socket = dir.resolve("run dir/zeusd.sock"); // a space in an argument survives the launcher
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(home.resolve("bin/zeusd").toString()),
                Map.of("JAVA_OPTS", "-Dlauncher.test.env=1"), "serve", "--simulate", "--socket-path", socket.toString())) {
            zeusd.awaitStarted(START);
            assertEquals(200, new UdsHttpClient(socket).get("/discover").status());
            // the jars the class loader opened while booting are closed once the daemon runs (about 90 were left
            // open, holding their central directories on the heap and their inflaters' native memory)
            long openJars = openFilesUnder(zeusd.pid(), home.resolve("lib/lib/main").toRealPath());
            assertTrue(openJars < 20, openJars + " jars of lib/lib/main still open after start-up");

            // exec: the launcher's pid is the JVM's
            List<String> cmdline = cmdline(zeusd.pid());
            int jar = cmdline.indexOf("-jar");
            assertTrue(jar > 0, cmdline.toString());
            List<String> jvm = cmdline.subList(1, jar);
            assertTrue(jvm.containsAll(shipped), "JVM options " + jvm + " lack some of " + shipped);
            assertTrue(jvm.contains("-Dlauncher.test.operator=edited"), jvm.toString());
            assertFalse(jvm.contains("-Dlauncher.test.commented=1"), jvm.toString());
            assertEquals("-Dlauncher.test.env=1", jvm.get(jvm.size() - 1), "JAVA_OPTS must come last, to win");
            assertTrue(jvm.stream().anyMatch(o -> o.startsWith("-Djna.tmpdir=")), jvm.toString());
            assertTrue(jvm.contains("-XX:SharedArchiveFile=" + home.resolve("lib/app-cds.jsa")), jvm.toString());
            assertEquals(List.of(home.resolve("lib/quarkus-run.jar").toString(), "serve", "--simulate",
                    "--socket-path", socket.toString()), cmdline.subList(jar + 1, jar + 6));

            assertEquals(0, zeusd.stop(), "SIGTERM is a clean stop; stderr: " + zeusd.stderr());
            assertTrue(zeusd.stderr().contains("zeusd stopped in"), zeusd.stderr());
        }
        assertFalse(Files.exists(socket), "socket file left behind");
    }

    @Test
    void refusesJavaOlderThan17InOneSentence() throws Exception {
        Path java11 = fakeJavaHome("java11", "JAVA_VERSION=\"11.0.22\"\n", "");
        assertRefused(java11, "11.0.22");
        // no release file: the launcher asks java -version
        Path java8 = fakeJavaHome("java8", null, "echo 'openjdk version \"1.8.0_402\"' >&2");
        assertRefused(java8, "1.8.0_402");
    }

    @Test
    void refusesAJnaDirectoryOwnedBySomeoneElse() throws Exception {
        assumeTrue(Dist.isRoot(), "needs root to hand a directory to another user");
        Path jnaDir = Files.createDirectories(dir.resolve("zeusd-jna-0"));
        assertEquals(0, Dist.run(List.of("chown", "65534", jnaDir.toString())).status());
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(home.resolve("bin/zeusd").toString()),
                Map.of("TMPDIR", dir.toString()), "--version")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: " + jnaDir + " (JNA's native library directory) is not a directory owned by uid 0; "
                    + "remove it, or set TMPDIR to a private directory.\n", zeusd.stderr());
        }
    }

    @Test
    void runsTheNativeExecutableWithTheOptionsThatApplyToIt() throws Exception {
        // the native image's layout (Dockerfile.native): lib/zeusd-runner instead of lib/quarkus-run.jar
        Path nativeHome = Dist.unpack();
        Files.delete(nativeHome.resolve("lib/quarkus-run.jar"));
        Path runner = Files.writeString(nativeHome.resolve("lib/zeusd-runner"),
                "#!/bin/sh\nprintf '%s\\n' \"$@\"\n"); // prints its arguments, one per line
        assertTrue(runner.toFile().setExecutable(true));
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(nativeHome.resolve("bin/zeusd").toString()),
                Map.of("JAVA_HOME", "/nonexistent"), "token", "issue", "--user", "a b")) {
            assertEquals(0, zeusd.awaitExit(START), zeusd.stderr());
            List<String> args = zeusd.stdout().lines().toList();
            assertTrue(args.contains("-Xmx64m"), args.toString());
            assertTrue(args.stream().anyMatch(a -> a.startsWith("-Djna.tmpdir=")), args.toString());
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:")), "JVM-only options reached it: " + args);
            assertEquals(List.of("token", "issue", "--user", "a b"), args.subList(args.size() - 4, args.size()));
        }
    }

    private void assertRefused(Path javaHome, String version) throws Exception {
        try (ZeusdProcess zeusd = ZeusdProcess.launch(List.of(home.resolve("bin/zeusd").toString()),
                Map.of("JAVA_HOME", javaHome.toString()), "--version")) {
            assertEquals(1, zeusd.awaitExit(START));
            assertEquals("zeusd: Java 17 or later is needed, but " + javaHome + "/bin/java is Java " + version
                    + "; install openjdk-17-jre-headless or point JAVA_HOME at a Java 17+ installation.\n",
                    zeusd.stderr());
            assertEquals("", zeusd.stdout());
        }
        assertFalse(Files.exists(javaHome.resolve("started")), "the old Java was used to run zeusd");
    }

    /** A Java home whose bin/java only answers -version (and records any other start). */
    private Path fakeJavaHome(String name, String release, String versionScript) throws IOException {
        Path javaHome = Files.createDirectories(dir.resolve(name + "/bin")).getParent();
        if (release != null) {
            Files.writeString(javaHome.resolve("release"), release);
        }
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then " + versionScript + "; exit 0; fi\ntouch "
                + javaHome.resolve("started") + "\n");
        assertTrue(java.toFile().setExecutable(true));
        return javaHome;
    }

    static List<String> optionLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static long openFilesUnder(long pid, Path dir) throws IOException {
        long count = 0;
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    count += Files.readSymbolicLink(fd).startsWith(dir) ? 1 : 0;
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between the listing and the read
                }
            }
        }
        return count;
    }

    private static List<String> cmdline(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        return Arrays.asList(raw.split("\0"));
    }
}
