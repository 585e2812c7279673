package dev.zeusd.api.response;

import java.util.Map;

/** {@code {"errors": {"0": "..."}}}: the devices of a multi-device call that failed, keyed by id. */
public record DeviceErrorsResponse(Map<String, String> errors) {
}
