package dev.zeusd.device.gpu.amdsmi;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code amdsmi_clk_info_t}, the same 32 bytes in ABIs 24 to 26; clocks in MHz. */
@FieldOrder({ "clk", "min_clk", "max_clk", "clk_locked", "clk_deep_sleep", "reserved" })
public class AmdSmiClkInfo extends Structure {
    public int clk;
    public int min_clk;
    public int max_clk;
    public byte clk_locked;
    public byte clk_deep_sleep;
    public int[] reserved = new int[4];
}
