package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.zeusd.testsupport.Dist;
import dev.zeusd.testsupport.Dist.Result;

/** target/zeusd_<version>_all.deb: its metadata and files, then a real install and removal with dpkg. */
class DebPackageIT {
    private static Path deb;

    @BeforeAll
    static void findDeb() throws IOException {
        Path build = Path.of(System.getProperty("test.build.dir", "target"));
        try (Stream<Path> files = Files.list(build)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("zeusd_.*_all\\.deb")).toList();
            assertEquals(1, debs.size(), "expected one zeusd_<version>_all.deb in " + build + ": " + debs);
            deb = debs.get(0);
        }
        // Debian versions sort 0.1.0~SNAPSHOT before 0.1.0: Maven's -SNAPSHOT becomes ~SNAPSHOT
        assertEquals("zeusd_" + Dist.version().replace('-', '~') + "_all.deb", deb.getFileName().toString());
    }

    @Test
    void controlFieldsAndConffiles() throws Exception {
        assumeTrue(has("dpkg-deb"), "dpkg-deb is not installed (Debian's dpkg package)");
        String info = ok("dpkg-deb", "--info", deb.toString());
        for (String field : List.of("Package: zeusd", "Version: " + Dist.version().replace('-', '~'),
                "Architecture: all", "Depends: openjdk-17-jre-headless | java17-runtime-headless")) {
            assertTrue(info.contains("\n " + field + "\n"), field + " missing in:\n" + info);
        }
        String conffiles = control("conffiles");
        assertEquals(List.of("/etc/default/zeusd", "/etc/zeusd/jvm.options"), conffiles.lines().sorted().toList());
        // a Java update under /usr/lib/jvm re-runs postinst, which remakes the AppCDS archive for the new Java
        assertEquals("interest-noawait /usr/lib/jvm\n", control("triggers"));
        // enabling is the operator's decision: no maintainer script may enable or start the service
        for (String script : List.of("postinst", "prerm", "postrm")) {
            String text = control(script);
            assertTrue(text.startsWith("#!/bin/sh\n"), script + " missing");
            assertFalse(java.util.regex.Pattern.compile("systemctl( --[a-z-]+)* (enable|start|restart)").matcher(text)
                    .find(), script + " enables or starts zeusd:\n" + text);
        }
    }

    @Test
    void filesLandWhereTheUnitAndThePathExpectThem() throws Exception {
        assumeTrue(has("dpkg-deb"), "dpkg-deb is not installed (Debian's dpkg package)");
        String contents = ok("dpkg-deb", "--contents", deb.toString());
        for (String entry : List.of("-rwxr-xr-x root/root .* ./opt/zeusd/bin/zeusd\n",
                "-rw-r--r-- root/root .* ./opt/zeusd/lib/quarkus-run.jar\n",
                "-rw-r--r-- root/root .* ./opt/zeusd/LICENSE\n",
                "l.* ./usr/bin/zeusd -> /opt/zeusd/bin/zeusd\n",
                "l.* ./opt/zeusd/conf -> /etc/zeusd\n",
                "-rw-r--r-- root/root .* ./etc/zeusd/jvm.options\n",
                "-rw-r--r-- root/root .* ./etc/default/zeusd\n",
                "-rw-r--r-- root/root .* ./lib/systemd/system/zeusd.service\n")) {
            assertTrue(java.util.regex.Pattern.compile("(?m)^" + entry).matcher(contents).find(),
                    "no entry like '" + entry.strip() + "' in:\n" + contents);
        }
        assertFalse(contents.contains("./opt/zeusd/systemd/"), "the unit belongs in /lib/systemd/system only");
        assertFalse(contents.contains("app-cds.jsa"), "an AppCDS archive is bound to the path it was made at");
        assertTrue(contents.contains("./opt/zeusd/bin/zeusd-appcds\n"), contents);
    }

    @Test
    void installsRunsAndRemovesCleanly() throws Exception {
        assumeTrue(has("dpkg") && Dist.isRoot(), "a real install needs dpkg and root (CI runs as root on Debian)");
        Result status = Dist.run(List.of("dpkg-query", "-W", "-f=${Status}", "zeusd"));
        assumeTrue(!status.output().contains("installed"),
                "zeusd is already installed on this machine; not touching it: " + status.output());
        try {
            ok("dpkg", "-i", deb.toString());
            assertEquals("zeusd " + Dist.version() + "\n", ok("/usr/bin/zeusd", "--version"));
            assertEquals("install ok installed", Dist.run(List.of("dpkg-query", "-W", "-f=${Status}", "zeusd"))
                    .output());
            assertTrue(Files.isRegularFile(Path.of("/lib/systemd/system/zeusd.service")));
            assertTrue(Files.readString(Path.of("/etc/zeusd/jvm.options")).contains("-Xmx"));
            // postinst made the AppCDS archive for this node's Java, and the launcher uses it
            assertTrue(Files.size(Path.of("/opt/zeusd/lib/app-cds.jsa")) > 1_000_000, "no AppCDS archive");
            assertFalse(Files.exists(Path.of("/etc/systemd/system/multi-user.target.wants/zeusd.service"),
                    LinkOption.NOFOLLOW_LINKS), "the package enabled the service by itself");

            ok("dpkg", "-r", "zeusd");
            for (String gone : List.of("/usr/bin/zeusd", "/opt/zeusd/bin/zeusd", "/opt/zeusd/lib",
                    "/opt/zeusd/lib/app-cds.jsa",
                    "/lib/systemd/system/zeusd.service")) {
                assertFalse(Files.exists(Path.of(gone), LinkOption.NOFOLLOW_LINKS), gone + " left after dpkg -r");
            }
            // remove keeps an operator's settings until purge, as for every Debian conffile
            assertTrue(Files.exists(Path.of("/etc/default/zeusd")), "dpkg -r must keep the conffile");
            ok("dpkg", "-P", "zeusd");
            for (String gone : List.of("/etc/default/zeusd", "/etc/zeusd", "/opt/zeusd")) {
                assertFalse(Files.exists(Path.of(gone), LinkOption.NOFOLLOW_LINKS), gone + " left after purge");
            }
        } finally {
            Dist.run(List.of("dpkg", "-P", "zeusd"));
        }
    }

    private static String control(String member) throws Exception {
        Path dir = Files.createTempDirectory("zeusd-deb-control");
        ok("dpkg-deb", "--control", deb.toString(), dir.toString());
        Path file = dir.resolve(member);
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static String ok(String... command) throws Exception {
        Result result = Dist.run(List.of(command));
        assertEquals(0, result.status(), String.join(" ", command) + ":\n" + result.output());
        return result.output();
    }

    private static boolean has(String tool) throws Exception {
        return Dist.run(List.of("sh", "-c", "command -v " + tool)).status() == 0;
    }
}
