package dev.zeusd.api.response;

public record TimeResponse(long timestampMs) {
}
