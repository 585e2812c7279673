package dev.zeusd.device.gpu.amdsmi;

import com.sun.jna.Pointer;

/**
 * The library ABIs zeusd supports, one per SONAME, newest first, with what differs between them: the layouts of
 * {@code amdsmi_power_info_t} and {@code amdsmi_version_t} (from ROCm's amdsmi.h of each release).
 */
enum AmdSmiAbi {
    /** ROCm 7.0 and later: power fields after a uint64 {@code socket_power}, wider voltages; version without year. */
    V26(26, 192, 8, 12, false),
    /** ROCm 6.4: a uint64 {@code socket_power} first, then the uint32 fields of ABI 24. */
    V25(25, 40, 8, 12, true),
    /** ROCm 6.3 (and 6.2, which zeusd refuses): seventeen uint32 fields. */
    V24(24, 68, 0, 4, true);

    /** Both layouts of {@code amdsmi_version_t} take 24 bytes (four or three uint32, then a pointer). */
    static final int VERSION_SIZE = 24;

    private final int number;
    private final int powerInfoSize;
    private final int currentSocketPowerOffset;
    private final int averageSocketPowerOffset;
    private final boolean versionHasYear;

    AmdSmiAbi(int number, int powerInfoSize, int currentSocketPowerOffset, int averageSocketPowerOffset,
            boolean versionHasYear) {
        this.number = number;
        this.powerInfoSize = powerInfoSize;
        this.currentSocketPowerOffset = currentSocketPowerOffset;
        this.averageSocketPowerOffset = averageSocketPowerOffset;
        this.versionHasYear = versionHasYear;
    }

    int number() {
        return number;
    }

    String soname() {
        return "libamd_smi.so." + number;
    }

    int powerInfoSize() {
        return powerInfoSize;
    }

    /** Socket power in watts, as uint32 (the library's "not available" sentinels stay visible). */
    long currentSocketPowerW(Pointer powerInfo) {
        return Integer.toUnsignedLong(powerInfo.getInt(currentSocketPowerOffset));
    }

    long averageSocketPowerW(Pointer powerInfo) {
        return Integer.toUnsignedLong(powerInfo.getInt(averageSocketPowerOffset));
    }

    AmdSmiLibraryVersion version(Pointer version) {
        if (versionHasYear) {
            return new AmdSmiLibraryVersion(version.getInt(0), version.getInt(4), version.getInt(8),
                    version.getInt(12));
        }
        return new AmdSmiLibraryVersion(null, version.getInt(0), version.getInt(4), version.getInt(8));
    }
}
