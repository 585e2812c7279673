package dev.zeusd.config;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The API groups this daemon serves. Application-scoped, so beans created while Quarkus is still static-initialising
 * (REST filters) get a lazy proxy and never read run-time configuration too early.
 */
@ApplicationScoped
public class EnabledGroups {
    private final Set<ApiGroup> groups;

    @Inject
    public EnabledGroups(ZeusdConfig config) {
        this.groups = config.enabledGroups();
    }

    public boolean contains(ApiGroup group) {
        return groups.contains(group);
    }
}
