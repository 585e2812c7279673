package dev.zeusd.service;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/** A device call missed its deadline, or the device is still stuck in an earlier call: 503. */
public final class DeviceTimeoutException extends DeviceException {
    public DeviceTimeoutException(String message) {
        super(DeviceErrorKind.TIMEOUT, message);
    }
}
