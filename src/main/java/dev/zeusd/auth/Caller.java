package dev.zeusd.auth;

import java.util.List;
import java.util.SortedSet;

import dev.zeusd.config.ApiGroup;

/**
 * Who a verified token speaks for. {@code expiresAt} (unix seconds) is null for tokens that never expire;
 * {@code gpuIds} / {@code cpuIds} are null when the token does not limit that kind of device.
 */
public record Caller(String subject, List<ApiGroup> scopes, Long expiresAt, SortedSet<Integer> gpuIds,
        SortedSet<Integer> cpuIds) {
}
