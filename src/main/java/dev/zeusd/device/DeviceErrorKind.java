package dev.zeusd.device;

/** What went wrong on a device, independent of the backend; the API layer turns each kind into a status code. */
public enum DeviceErrorKind {
    INVALID_ARGUMENT(400),
    NOT_SUPPORTED(400),
    NO_PERMISSION(403),
    INTERNAL(500),
    /** The device did not answer within the device timeout, or is still stuck in an earlier call. */
    TIMEOUT(503);

    private final int httpStatus;

    DeviceErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
