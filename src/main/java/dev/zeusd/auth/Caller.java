package dev.zeusd.auth;

import java.util.List;

import dev.zeusd.config.ApiGroup;

/** Who a verified token speaks for: {@code expiresAt} (unix seconds) is null for tokens that never expire. */
public record Caller(String subject, List<ApiGroup> scopes, Long expiresAt) {
    public boolean mayUse(ApiGroup group) {
        return scopes.contains(group);
    }
}
