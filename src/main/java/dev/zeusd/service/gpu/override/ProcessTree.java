package dev.zeusd.service.gpu.override;

import java.util.List;

/** Kills a process and everything it started. */
final class ProcessTree {
    private ProcessTree() {
    }

    /**
     * Top down: a process's children are listed while it is alive (once it dies they are re-parented and no longer
     * its descendants), then it is killed so it cannot start more, then each child's own tree. Processes we may not
     * signal (a command run through sudo as root) survive; their output files do not block us.
     */
    static void kill(ProcessHandle process) {
        List<ProcessHandle> children = process.children().toList();
        process.destroyForcibly();
        children.forEach(ProcessTree::kill);
    }
}
