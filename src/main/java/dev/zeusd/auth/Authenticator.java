package dev.zeusd.auth;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.zeusd.config.ZeusdConfig;

/** Auth is on exactly when {@code --signing-key-path} is given; then every guarded request needs a token. */
@ApplicationScoped
public class Authenticator {
    private final Optional<TokenVerifier> verifier;

    @Inject
    public Authenticator(ZeusdConfig config) {
        this.verifier = config.signingKeyPath().map(p -> new TokenVerifier(SigningKey.read(Path.of(p))));
    }

    public boolean enabled() {
        return verifier.isPresent();
    }

    /** @throws TokenRejected when the header holds no acceptable token */
    public Caller authenticate(String authorizationHeader) {
        return verifier.orElseThrow().verify(authorizationHeader);
    }
}
