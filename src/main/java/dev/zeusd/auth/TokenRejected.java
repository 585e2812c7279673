package dev.zeusd.auth;

import io.smallrye.jwt.auth.principal.ParseException;

/**
 * A token that cannot be accepted (expired or invalid, as its message says). SmallRye JWT hands it to Quarkus as the
 * cause of the authentication failure, so the 401 can say why; the message never echoes the token.
 */
public class TokenRejected extends ParseException {
    TokenRejected(String message) {
        super(message);
    }

    static TokenRejected invalid(String why) {
        return new TokenRejected("invalid token: " + why);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected answer to bad input, not a fault
    }
}
