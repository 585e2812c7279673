package dev.zeusd.device;

/** A device call failed. The message already names the device and the cause, ready for the client. */
public class DeviceException extends RuntimeException {
    private final DeviceErrorKind kind;

    public DeviceException(DeviceErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DeviceErrorKind kind() {
        return kind;
    }
}
