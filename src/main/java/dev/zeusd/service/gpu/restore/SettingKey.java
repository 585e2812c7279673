package dev.zeusd.service.gpu.restore;

/** One setting of one GPU: what originals and owners are kept by. */
public record SettingKey(int gpu, Setting setting) implements Comparable<SettingKey> {
    @Override
    public int compareTo(SettingKey other) {
        return gpu != other.gpu ? Integer.compare(gpu, other.gpu) : setting.compareTo(other.setting);
    }
}
