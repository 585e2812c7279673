package dev.zeusd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zeusd.cli.ZeusdCommandLine;
import picocli.CommandLine;

/** The systemd unit, judged by systemd's own offline security analysis (systemd-analyze from Debian's systemd). */
class SystemdUnitTest {
    static final Path UNIT = Path.of("packaging/systemd/zeusd.service");
    static final Path DEFAULTS = Path.of("packaging/systemd/zeusd.default");
    static final Path OVERRIDES_DROP_IN = Path.of("packaging/systemd/zeusd-overrides.conf");
    static final Path AMD_DROP_IN = Path.of("packaging/systemd/amd-gpus.conf");
    static final String INSTALLED_LAUNCHER = "/opt/zeusd/bin/zeusd";
    static final Path RESTORE_DROP_IN = Path.of("packaging/systemd/restore-on-client-exit.conf");
    /** The original zeusd's unit scores 3.1 on this machine; ours must do better than that. */
    static final double MAX_EXPOSURE = 3.0;

    @Test
    void exposureScoreIsAtMostThree() throws Exception {
        String report = run("systemd-analyze", "security", "--offline=true", "--no-pager", UNIT.toString());
        Matcher score = Pattern.compile("Overall exposure level for zeusd\\.service: (\\d+\\.\\d+)").matcher(report);
        assertTrue(score.find(), report);
        double exposure = Double.parseDouble(score.group(1));
        assertTrue(exposure <= MAX_EXPOSURE, "exposure " + exposure + " > " + MAX_EXPOSURE + ":\n" + report);
    }

    @Test
    void unitHasOnlyDirectivesSystemdKnows(@TempDir Path dir) throws Exception {
        assertTrue(Files.readString(UNIT).contains("\nExecStart=" + INSTALLED_LAUNCHER + " serve\n"),
                "not started by the launcher");
        Path copy = Files.writeString(dir.resolve("zeusd.service"), unitWithSourceLauncher());
        String out = run("systemd-analyze", "verify", "--man=no", copy.toString());
        assertFalse(out.contains("Unknown key") || out.contains("Unknown section") || out.contains("Failed to parse"),
                out);
    }

    @Test
    void theAmdDropInLiftsOnlyWhatAmdSmiNeedsAndSystemdKnowsIt(@TempDir Path dir) throws Exception {
        String dropIn = Files.readString(AMD_DROP_IN);
        List<String> directives = dropIn.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("[Service]", "ProtectKernelTunables=no", "DeviceAllow=char-kfd rw",
                "DeviceAllow=char-drm rw"), directives);
        // systemd-analyze verifies units, not drop-ins: the unit with the drop-in's lines appended
        Path merged = dir.resolve("zeusd.service");
        Files.writeString(merged, unitWithSourceLauncher().replace("\n[Install]", String.join("\n",
                directives.subList(1, directives.size())) + "\n\n[Install]"));
        String out = run("systemd-analyze", "verify", "--man=no", merged.toString());
        assertFalse(out.contains("Unknown key") || out.contains("Failed to parse") || out.contains("Invalid"), out);
    }

    @Test
    void keepsOnlyTheCapabilitiesTheGroupsNeed() throws IOException {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nCapabilityBoundingSet=CAP_SYS_ADMIN CAP_CHOWN\n"), unit);
        for (String line : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "RuntimeDirectory=zeusd",
                "PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6")) {
            assertTrue(unit.contains("\n" + line + "\n"), line);
        }
    }

    /** The drop-in for --gpu-command-overrides: an unprivileged user whose override commands may use sudo. */
    @Test
    void overridesDropInRunsUnprivilegedAndLetsSudoWork() throws Exception {
        String dropIn = Files.readString(OVERRIDES_DROP_IN);
        for (String line : List.of("User=zeusd", "NoNewPrivileges=no", "CapabilityBoundingSet=",
                "CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_AUDIT_WRITE CAP_SYS_ADMIN")) {
            assertTrue(dropIn.contains("\n" + line + "\n"), line);
        }
        Path units = Files.createTempDirectory("zeusd-units");
        Path unit = Files.writeString(units.resolve("zeusd.service"), unitWithSourceLauncher());
        Files.copy(OVERRIDES_DROP_IN, Files.createDirectory(units.resolve("zeusd.service.d")).resolve("overrides.conf"));
        String unitPath = "SYSTEMD_UNIT_PATH=" + units + ":";
        String verify = run("env", unitPath, "systemd-analyze", "verify", "--man=no", unit.toString());
        assertFalse(verify.contains("Unknown key") || verify.contains("Failed to parse"), verify);
        String report = run("env", unitPath, "systemd-analyze", "security", "--offline=true", "--no-pager", unit.toString());
        assertTrue(report.contains("Service runs under a static non-root user identity"), "drop-in not applied:\n" + report);
        Matcher score = Pattern.compile("Overall exposure level for zeusd\\.service: (\\d+\\.\\d+)").matcher(report);
        assertTrue(score.find() && Double.parseDouble(score.group(1)) <= MAX_EXPOSURE, report);
    }

    /** The journal's directory exists and is writable; the client-exit drop-in lets zeusd see its clients. */
    @Test
    void restoreHasItsStateDirectoryAndTheClientExitDropInKeepsTheScore() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nStateDirectory=zeusd\n"), unit);
        List<String> directives = Files.readString(RESTORE_DROP_IN).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(List.of("[Service]", "ProtectProc=default"), directives);
        Path units = Files.createTempDirectory("zeusd-units");
        Path copy = Files.writeString(units.resolve("zeusd.service"), unitWithSourceLauncher());
        Files.copy(RESTORE_DROP_IN, Files.createDirectory(units.resolve("zeusd.service.d")).resolve("restore.conf"));
        String unitPath = "SYSTEMD_UNIT_PATH=" + units + ":";
        String verify = run("env", unitPath, "systemd-analyze", "verify", "--man=no", copy.toString());
        assertFalse(verify.contains("Unknown key") || verify.contains("Failed to parse"), verify);
        String report = run("env", unitPath, "systemd-analyze", "security", "--offline=true", "--no-pager",
                copy.toString());
        Matcher score = Pattern.compile("Overall exposure level for zeusd\\.service: (\\d+\\.\\d+)").matcher(report);
        assertTrue(score.find() && Double.parseDouble(score.group(1)) <= MAX_EXPOSURE, report);
    }

    @Test
    void everyVariableInTheDefaultsFileIsAServeOption() throws IOException {
        Set<String> options = new TreeSet<>();
        CommandLine serve = ZeusdCommandLine.commandLine().getSubcommands().get("serve");
        serve.getCommandSpec().options().forEach(o -> options.add(o.longestName()));
        List<String> unknown = new ArrayList<>();
        Matcher variable = Pattern.compile("(?m)^#?ZEUSD_([A-Z_]+)=").matcher(Files.readString(DEFAULTS));
        int count = 0;
        while (variable.find()) {
            count++;
            String flag = "--" + variable.group(1).toLowerCase().replace('_', '-');
            if (!options.contains(flag)) {
                unknown.add(variable.group(0));
            }
        }
        assertTrue(count >= 10, "expected the defaults file to list the options, found " + count);
        assertEquals(List.of(), unknown);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " not found: install Debian's systemd package (.ci/run does)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** verify wants ExecStart's file to exist: the launcher from the source tree stands in for /opt/zeusd. */
    private static String unitWithSourceLauncher() throws IOException {
        return Files.readString(UNIT).replace("ExecStart=" + INSTALLED_LAUNCHER,
                "ExecStart=" + Path.of("packaging/bin/zeusd").toAbsolutePath());
    }
}
