package dev.zeusd.api.response;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

/**
 * {@code GET /auth/whoami}; {@code exp} is left out for tokens that never expire, {@code gpu_ids} / {@code cpu_ids}
 * for tokens not limited to devices of that kind.
 */
public record WhoamiResponse(String sub, List<String> scopes, @JsonInclude(Include.NON_NULL) Long exp,
        @JsonInclude(Include.NON_NULL) List<Integer> gpuIds, @JsonInclude(Include.NON_NULL) List<Integer> cpuIds) {
}
