package dev.zeusd.device.gpu.amdsmi;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code amdsmi_power_cap_info_t}, the same 64 bytes in ABIs 24 to 26; caps in microwatts. */
@FieldOrder({ "power_cap", "default_power_cap", "dpm_cap", "min_power_cap", "max_power_cap", "reserved" })
public class AmdSmiPowerCapInfo extends Structure {
    public long power_cap;
    public long default_power_cap;
    public long dpm_cap;
    public long min_power_cap;
    public long max_power_cap;
    public long[] reserved = new long[3];
}
