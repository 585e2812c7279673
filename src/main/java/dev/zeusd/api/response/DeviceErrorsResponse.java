package dev.zeusd.api.response;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code {"errors": {"0": "..."}}}: the devices of a multi-device call that failed, keyed by id. A 503 (a device that
 * did not answer in time) also carries {@code error}, the one sentence a client that reads only that field needs:
 * {@code {"error": "GPU 1 did not answer within 5 s", "errors": {"1": "GPU 1 did not answer within 5 s"}}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceErrorsResponse(String error, Map<String, String> errors) {
    public DeviceErrorsResponse(Map<String, String> errors) {
        this(null, errors);
    }
}
