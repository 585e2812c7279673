package dev.zeusd.auth;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.zeusd.config.ZeusdConfig;

/**
 * Auth is on exactly when {@code --signing-key-path} is given. The key file is read once, here; SmallRye JWT verifies
 * with it through {@link RawKeyJwtFactory}.
 */
@ApplicationScoped
public class Authenticator {
    private final Optional<SigningKey> key;

    @Inject
    public Authenticator(ZeusdConfig config) {
        this.key = config.signingKeyPath().map(SigningKey::read);
    }

    public boolean enabled() {
        return key.isPresent();
    }

    Optional<SigningKey> key() {
        return key;
    }
}
