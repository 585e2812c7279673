package dev.zeusd.service.gpu.restore;

import java.nio.file.Path;

/**
 * What the operator asked for: restore on a clean stop, restore when the owning client exits, and where the journal
 * lives. With both off no journal is written; a journal left by an earlier run is still recovered at startup.
 */
public record RestorePolicy(boolean onShutdown, boolean onClientExit, Path stateDir) {
    public RestorePolicy {
        if ((onShutdown || onClientExit) && stateDir == null) {
            throw new IllegalArgumentException("restoring settings needs a state directory for its journal");
        }
    }

    public static RestorePolicy off() {
        return new RestorePolicy(false, false, null);
    }

    /** Whether control calls are journalled. */
    public boolean journals() {
        return onShutdown || onClientExit;
    }

    public RestoreJournal journal() {
        return new RestoreJournal(stateDir);
    }
}
