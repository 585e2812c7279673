package dev.zeusd.device;

/**
 * What {@code /discover} tells about a GPU, decided once when the backend opens it.
 *
 * @param pciAddress lower-case {@code domain:bus:device.function}, e.g. {@code 0000:01:00.0}
 * @param cumulativeEnergyAvailable whether the GPU has a total-energy counter zeusd serves (NVML: Volta and later;
 *        AMD SMI: one that agreed with the measured power at startup)
 * @param uuid the driver's stable id ({@code GPU-...} on NVML), for metrics labels; empty where the backend does not
 *        read one (AMD SMI, for now)
 */
public record GpuIdentity(String name, String pciAddress, boolean cumulativeEnergyAvailable, String uuid) {
    public GpuIdentity(String name, String pciAddress, boolean cumulativeEnergyAvailable) {
        this(name, pciAddress, cumulativeEnergyAvailable, "");
    }

    /** The PCI address as zeus prints it: {@code %04x:%02x:%02x.%x}. */
    public static String pciAddress(long domain, long bus, long device, long function) {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }
}
