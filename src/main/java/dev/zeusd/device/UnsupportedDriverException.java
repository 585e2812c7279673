package dev.zeusd.device;

import dev.zeusd.StartupException;

/**
 * A driver library was found but is a version zeusd refuses (e.g. ROCm 6.2's AMD SMI). Unlike a missing library,
 * {@code --gpu-backend auto} does not pass over it: the operator installed it for GPUs that would silently vanish.
 */
public class UnsupportedDriverException extends StartupException {
    public UnsupportedDriverException(String sentence) {
        super(sentence);
    }
}
