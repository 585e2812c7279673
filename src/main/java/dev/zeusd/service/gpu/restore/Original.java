package dev.zeusd.service.gpu.restore;

/** The value a setting of one GPU had before zeusd first changed it: a Long (mW), a Boolean or "unlocked". */
public record Original(int gpu, Setting setting, Object value) {
    public Original {
        if (gpu < 0 || !setting.accepts(value)) {
            throw new IllegalArgumentException("not an original of " + setting.journalName() + ": " + value);
        }
    }
}
