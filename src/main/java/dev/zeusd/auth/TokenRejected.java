package dev.zeusd.auth;

import io.smallrye.jwt.auth.principal.ParseException;

/**
 * A token that cannot be accepted. SmallRye JWT hands it to Quarkus as the cause of the authentication failure, so
 * the 401 can say which of the reasons it was; the message never echoes the token.
 */
public class TokenRejected extends ParseException {
    public enum Reason {
        EXPIRED,
        INVALID
    }

    private final Reason reason;

    TokenRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    static TokenRejected invalid(String why) {
        return new TokenRejected(Reason.INVALID, "invalid token: " + why);
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected answer to bad input, not a fault
    }
}
