package dev.zeusd.attribution;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one device id of a kubelet allocation names, by the device plugin's conventions:
 * <ul>
 * <li>{@code nvidia.com/*}: a GPU UUID ({@code GPU-...}), a time-slicing or MPS replica of one ({@code GPU-...::3}),
 * a GPU index ({@code 0}, {@code 0::3}: the plugin's {@code deviceIDStrategy=index}), or a MIG device
 * ({@code MIG-<uuid>}, or {@code MIG-GPU-<uuid>/<gi>/<ci>} from drivers before R470, which names its parent);</li>
 * <li>{@code amd.com/*}: a PCI address ({@code 0000:c1:00.0}), compared case-insensitively.</li>
 * </ul>
 * Ids of other resources name no GPU.
 *
 * @param kind how {@code key} names a GPU
 * @param key lower-case UUID, PCI address, MIG UUID, or the index as text
 */
public record KubeletDeviceId(Kind kind, String key) {
    /** How an id names a GPU. */
    public enum Kind {
        GPU_UUID, GPU_INDEX, MIG_UUID, PCI_ADDRESS
    }

    private static final Pattern REPLICA = Pattern.compile("(.+)::\\d+");
    private static final Pattern OLD_MIG = Pattern.compile("mig-(gpu-[0-9a-f-]+)/\\d+/\\d+");

    /** The GPU {@code deviceId} of resource {@code resourceName} names, if any. */
    public static Optional<KubeletDeviceId> parse(String resourceName, String deviceId) {
        String id = deviceId.trim().toLowerCase(Locale.ROOT);
        if (resourceName.startsWith("amd.com/")) {
            return id.isEmpty() ? Optional.empty() : Optional.of(new KubeletDeviceId(Kind.PCI_ADDRESS, id));
        }
        if (!resourceName.startsWith("nvidia.com/")) {
            return Optional.empty();
        }
        Matcher replica = REPLICA.matcher(id);
        if (replica.matches()) {
            id = replica.group(1);
        }
        Matcher oldMig = OLD_MIG.matcher(id);
        if (oldMig.matches()) {
            return Optional.of(new KubeletDeviceId(Kind.GPU_UUID, oldMig.group(1)));
        }
        if (id.startsWith("gpu-")) {
            return Optional.of(new KubeletDeviceId(Kind.GPU_UUID, id));
        }
        if (id.startsWith("mig-")) {
            return Optional.of(new KubeletDeviceId(Kind.MIG_UUID, id));
        }
        if (!id.isEmpty() && id.chars().allMatch(Character::isDigit) && id.length() < 6) {
            return Optional.of(new KubeletDeviceId(Kind.GPU_INDEX, Integer.toString(Integer.parseInt(id))));
        }
        return Optional.empty();
    }
}
