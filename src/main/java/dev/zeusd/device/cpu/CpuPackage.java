package dev.zeusd.device.cpu;

import java.util.Optional;

/** One CPU package as RAPL sees it; {@code index} is the N of {@code intel-rapl:N}. */
public record CpuPackage(int index, RaplDomain packageDomain, Optional<RaplDomain> dramDomain) {
}
