package dev.zeusd.api;

import dev.zeusd.config.ApiGroup;

/**
 * Which API group a path belongs to, by the contract's rule: {@code /gpu/set_*} and {@code /gpu/reset_*} are
 * gpu-control, other {@code /gpu/*} gpu-read, {@code /cpu/*} cpu-read. Everything else belongs to no group.
 */
final class ApiRoutes {
    static final String WHOAMI = "/auth/whoami";

    private ApiRoutes() {
    }

    static ApiGroup groupOf(String path) {
        if (path.startsWith("/gpu/")) {
            String endpoint = path.substring(5);
            return endpoint.startsWith("set_") || endpoint.startsWith("reset_") ? ApiGroup.GPU_CONTROL
                    : ApiGroup.GPU_READ;
        }
        if (path.startsWith("/cpu/")) {
            return ApiGroup.CPU_READ;
        }
        return null;
    }

    static boolean isAuthPath(String path) {
        return path.equals("/auth") || path.startsWith("/auth/");
    }
}
