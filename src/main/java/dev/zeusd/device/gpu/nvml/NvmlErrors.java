package dev.zeusd.device.gpu.nvml;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/** Checks NVML return codes and maps them to the contract's error kinds, with NVML's own message. */
final class NvmlErrors {
    private NvmlErrors() {
    }

    static DeviceErrorKind kindOf(int code) {
        return switch (code) {
            case Nvml.NVML_ERROR_NO_PERMISSION -> DeviceErrorKind.NO_PERMISSION;
            case Nvml.NVML_ERROR_INVALID_ARGUMENT -> DeviceErrorKind.INVALID_ARGUMENT;
            case Nvml.NVML_ERROR_NOT_SUPPORTED -> DeviceErrorKind.NOT_SUPPORTED;
            default -> DeviceErrorKind.INTERNAL;
        };
    }

    static void check(Nvml nvml, int code, String what) {
        if (code != Nvml.NVML_SUCCESS) {
            throw new DeviceException(kindOf(code), what + ": " + nvml.nvmlErrorString(code) + " (NVML error "
                    + code + ")");
        }
    }
}
