package dev.zeusd.api.response;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code GET /auth/whoami}; {@code exp} is left out for tokens that never expire. */
public record WhoamiResponse(String sub, List<String> scopes, @JsonInclude(JsonInclude.Include.NON_NULL) Long exp) {
}
