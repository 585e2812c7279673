package dev.zeusd.device.cpu.rapl;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.zeusd.StartupException;
import dev.zeusd.device.CpuBackend;
import dev.zeusd.device.cpu.CpuPackage;
import dev.zeusd.device.cpu.RaplDomain;

/**
 * RAPL through the powercap sysfs tree: packages at {@code <root>/intel-rapl/intel-rapl:N}, DRAM as the subzone
 * whose {@code name} is {@code dram}. Every counter is read once at startup so that an unreadable one (root-only
 * since CVE-2020-8694) stops the daemon with a clear sentence instead of failing requests later.
 */
public final class RaplCpuBackend implements CpuBackend {
    private static final Pattern PACKAGE_ZONE = Pattern.compile("intel-rapl:(\\d+)");

    private final List<CpuPackage> packages;

    private RaplCpuBackend(List<CpuPackage> packages) {
        this.packages = packages;
    }

    /** Where zeus's containers mount the host's powercap tree ({@code -v /sys/class/powercap:/zeus_sys/...}). */
    static final Path CONTAINER_ROOT = Path.of("/zeus_sys/class/powercap");
    static final Path HOST_ROOT = Path.of("/sys/class/powercap");

    /** The powercap tree when {@code --rapl-root} is not given: the container convention if present, else the host's. */
    public static Path defaultRoot() {
        return firstExisting(CONTAINER_ROOT, HOST_ROOT);
    }

    static Path firstExisting(Path container, Path host) {
        return Files.isDirectory(container) ? container : host;
    }

    public static RaplCpuBackend open(Path powercapRoot) {
        Path rapl = powercapRoot.resolve("intel-rapl");
        List<CpuPackage> packages = new ArrayList<>();
        try (Stream<Path> zones = Files.list(rapl)) {
            for (Path zone : (Iterable<Path>) zones.sorted(Comparator.comparing(RaplCpuBackend::zoneIndex))::iterator) {
                Matcher matcher = PACKAGE_ZONE.matcher(zone.getFileName().toString());
                if (matcher.matches()) {
                    packages.add(new CpuPackage(Integer.parseInt(matcher.group(1)), domain(zone), dram(zone)));
                }
            }
        } catch (IOException e) {
            throw noRapl(rapl);
        }
        if (packages.isEmpty()) {
            throw noRapl(rapl);
        }
        return new RaplCpuBackend(List.copyOf(packages));
    }

    private static int zoneIndex(Path zone) {
        Matcher matcher = PACKAGE_ZONE.matcher(zone.getFileName().toString());
        return matcher.matches() ? Integer.parseInt(matcher.group(1)) : Integer.MAX_VALUE;
    }

    private static Optional<RaplDomain> dram(Path packageZone) {
        String prefix = packageZone.getFileName() + ":";
        try (Stream<Path> subzones = Files.list(packageZone)) {
            for (Path subzone : (Iterable<Path>) subzones.sorted()::iterator) {
                Path name = subzone.resolve("name");
                if (subzone.getFileName().toString().startsWith(prefix) && Files.isReadable(name)
                        && Files.readString(name).trim().equals("dram")) {
                    return Optional.of(domain(subzone));
                }
            }
        } catch (IOException e) {
            throw new StartupException("Cannot list the RAPL zone " + packageZone + ": " + e.getMessage()
                    + ".");
        }
        return Optional.empty();
    }

    private static RaplDomain domain(Path zone) {
        try {
            SysfsRaplDomain domain = new SysfsRaplDomain(zone);
            SysfsRaplDomain.readLong(domain.energyFile());
            return domain;
        } catch (AccessDeniedException e) {
            throw new StartupException("Cannot read " + e.getFile() + " (readable by root only on most "
                    + "kernels); run zeusd as root, or drop cpu-read with --enable gpu-control,gpu-read.");
        } catch (IOException e) {
            throw new StartupException("Cannot read the RAPL zone " + zone + " (" + e.getMessage()
                    + "); check --rapl-root, or drop cpu-read with --enable gpu-control,gpu-read.");
        }
    }

    private static StartupException noRapl(Path rapl) {
        return new StartupException("No RAPL packages found under " + rapl + "; this CPU or kernel does "
                + "not expose RAPL there: pass --rapl-root, drop cpu-read with --enable gpu-control,gpu-read, or "
                + "use --simulate.");
    }

    @Override
    public List<CpuPackage> packages() {
        return packages;
    }
}
