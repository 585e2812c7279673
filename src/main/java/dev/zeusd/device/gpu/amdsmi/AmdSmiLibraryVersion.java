package dev.zeusd.device.gpu.amdsmi;

/**
 * What {@code amdsmi_get_lib_version} reports. ABIs 24 and 25 number releases {@code year.major.minor.release}
 * (ROCm 6.3 is 24.7), ABI 26 {@code major.minor.release} (ROCm 7.2 is 26.2).
 *
 * @param year null on ABI 26
 */
record AmdSmiLibraryVersion(Integer year, int major, int minor, int release) {
    static final String OLDEST_SUPPORTED = "ROCm 6.3 (AMD SMI 24.7)";

    /** Null if this version matches the library's ABI and is supported, else the one sentence saying why not. */
    String problemWith(AmdSmiAbi abi) {
        boolean matches = switch (abi) {
            case V24 -> year != null && year == 24 && major >= 7;
            case V25 -> year != null && year == 25;
            case V26 -> year == null && major == 26;
        };
        if (matches) {
            return null;
        }
        if (abi == AmdSmiAbi.V24 && year != null && year == 24 && major < 7) {
            return "AMD SMI " + this + " is from ROCm 6.2, which zeusd does not support; the oldest supported is "
                    + OLDEST_SUPPORTED + ".";
        }
        return abi.soname() + " reports the incompatible version " + this + "; install ROCm 6.3 or later.";
    }

    /**
     * Libraries before 26.2 are not thread-safe (ABI 24 can crash, 25 and 26.1 mix up values across GPUs): every
     * call into them must be serialised.
     */
    boolean needsSerialisedCalls(AmdSmiAbi abi) {
        return abi != AmdSmiAbi.V26 || major < 26 || (major == 26 && minor < 2);
    }

    @Override
    public String toString() {
        return (year == null ? "" : year + ".") + major + "." + minor + "." + release;
    }
}
