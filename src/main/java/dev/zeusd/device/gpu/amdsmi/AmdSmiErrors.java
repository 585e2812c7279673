package dev.zeusd.device.gpu.amdsmi;

import dev.zeusd.device.DeviceErrorKind;

/** AMD SMI status codes as the contract's error kinds: NO_PERM 403, INVAL and NOT_SUPPORTED 400, the rest 500. */
final class AmdSmiErrors {
    private AmdSmiErrors() {
    }

    static DeviceErrorKind kindOf(int status) {
        return switch (status) {
            case AmdSmi.AMDSMI_STATUS_NO_PERM -> DeviceErrorKind.NO_PERMISSION;
            case AmdSmi.AMDSMI_STATUS_INVAL -> DeviceErrorKind.INVALID_ARGUMENT;
            case AmdSmi.AMDSMI_STATUS_NOT_SUPPORTED -> DeviceErrorKind.NOT_SUPPORTED;
            default -> DeviceErrorKind.INTERNAL;
        };
    }
}
