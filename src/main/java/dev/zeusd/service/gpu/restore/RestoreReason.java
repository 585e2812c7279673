package dev.zeusd.service.gpu.restore;

/** Why a setting went back to its original; the {@code reason} label and audit field. */
public enum RestoreReason {
    CLIENT_EXIT("client_exit"), SHUTDOWN("shutdown"), CRASH_RECOVERY("crash_recovery");

    private final String label;

    RestoreReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
