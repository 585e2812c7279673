package dev.zeusd.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.zeusd.config.ApiGroup;
import dev.zeusd.config.EnabledGroups;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * With auth off (no {@code --signing-key-path}) every caller may use every enabled group: the anonymous identity
 * gets those groups as roles. The {@code @RolesAllowed} checks stay on the resources, unconditional; only who holds
 * the roles changes, the one place Quarkus lets identities be decided at run time.
 */
@ApplicationScoped
public class AuthOffGrantsEnabledGroups implements SecurityIdentityAugmentor {
    private final Authenticator authenticator;
    private final EnabledGroups enabledGroups;
    private volatile SecurityIdentity granted;

    @Inject
    public AuthOffGrantsEnabledGroups(Authenticator authenticator, EnabledGroups enabledGroups) {
        this.authenticator = authenticator;
        this.enabledGroups = enabledGroups;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (authenticator.enabled() || !identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        SecurityIdentity everything = granted;
        if (everything == null) {
            everything = granted = grantEnabledGroups(identity);
        }
        return Uni.createFrom().item(everything);
    }

    private SecurityIdentity grantEnabledGroups(SecurityIdentity anonymous) {
        QuarkusSecurityIdentity.Builder everything = QuarkusSecurityIdentity.builder(anonymous);
        for (ApiGroup group : ApiGroup.values()) {
            if (enabledGroups.contains(group)) {
                everything.addRole(group.wireName());
            }
        }
        return everything.build();
    }
}
