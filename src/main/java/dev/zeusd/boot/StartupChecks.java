package dev.zeusd.boot;

import dev.zeusd.StartupException;
import dev.zeusd.auth.SigningKey;
import dev.zeusd.config.TransportMode;
import dev.zeusd.config.ZeusdConfig;

/** Everything that can be checked before Quarkus boots, each failure one sentence. */
public final class StartupChecks {
    static final int MIN_POLL_HZ = 1;
    static final int MAX_POLL_HZ = 1000;

    private StartupChecks() {
    }

    public static void verify(ZeusdConfig config) {
        checkPollRate("--gpu-power-poll-hz", config.gpuPowerPollHz());
        checkPollRate("--cpu-power-poll-hz", config.cpuPowerPollHz());
        if (config.numWorkers().isPresent() && config.numWorkers().getAsInt() < 1) {
            throw new StartupException("--num-workers must be at least 1, got " + config.numWorkers().getAsInt() + ".");
        }
        if (config.enabledGroups().isEmpty()) {
            throw new StartupException("--enable must name at least one API group.");
        }
        // loaded here for its startup errors and the root check; DeviceServices uses this same load
        boolean overridden = !GpuCommandOverridesFile.load(config).overrides().isEmpty();
        PrivilegeCheck.verify(config, overridden);
        config.signingKeyPath().ifPresent(path -> {
            SigningKeyFile.requireReadable(path);
            SigningKey.read(path);
        });
        RestoreState.verify(config);
        ManagementTls.verify(config);
        if (config.mode() == TransportMode.UDS) {
            SocketFile.prepare(config.socketPath());
        } else {
            ExposureCheck.verify(config);
        }
    }

    private static void checkPollRate(String flag, int hz) {
        if (hz < MIN_POLL_HZ || hz > MAX_POLL_HZ) {
            throw new StartupException(flag + " must be between " + MIN_POLL_HZ + " and " + MAX_POLL_HZ + ", got "
                    + hz + ".");
        }
    }
}
