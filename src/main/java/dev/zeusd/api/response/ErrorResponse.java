package dev.zeusd.api.response;

/** {@code {"error": "..."}}: one error for the whole request. */
public record ErrorResponse(String error) {
}
