package dev.zeusd.auth;

/** A request's token cannot be accepted: answered with 401 and a message saying which of the three reasons. */
public class TokenRejected extends RuntimeException {
    public enum Reason {
        MISSING,
        EXPIRED,
        INVALID
    }

    private final Reason reason;

    public TokenRejected(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
