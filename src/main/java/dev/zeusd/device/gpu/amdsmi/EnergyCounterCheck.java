package dev.zeusd.device.gpu.amdsmi;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * Decides at startup which GPUs' energy counters to serve: on some AMD GPUs the counter runs at the wrong rate
 * (ROCm/amdsmi#38), so each counter is read twice {@link #WINDOW_MS} apart and compared with the measured power.
 * A counter is trusted only if the energy it shows is strictly between a tenth and ten times what the power implies.
 */
final class EnergyCounterCheck {
    private static final Logger LOG = Logger.getLogger(EnergyCounterCheck.class);
    static final long WINDOW_MS = 500;

    enum Verdict {
        /** No usable power reading to compare with (zero or unsupported). */
        CANNOT_VALIDATE,
        RELIABLE,
        UNRELIABLE
    }

    private EnergyCounterCheck() {
    }

    static Verdict verdict(double expectedMj, double measuredMj) {
        if (expectedMj < 0.001) {
            return Verdict.CANNOT_VALIDATE;
        }
        double ratio = measuredMj / expectedMj;
        return ratio > 0.1 && ratio < 10 ? Verdict.RELIABLE : Verdict.UNRELIABLE;
    }

    /** Marks each GPU's counter trusted or not; all GPUs share one window. */
    static void run(List<AmdSmiGpu> gpus) throws InterruptedException {
        if (gpus.isEmpty()) {
            return;
        }
        LOG.infof("Checking the energy counters of %d AMD GPU(s) against their power for %d ms", gpus.size(),
                WINDOW_MS);
        List<Long> powersMw = new ArrayList<>();
        List<Long> startsMj = new ArrayList<>();
        for (AmdSmiGpu gpu : gpus) {
            powersMw.add(powerOrZero(gpu));
            startsMj.add(energyOrNull(gpu));
        }
        long start = System.nanoTime();
        Thread.sleep(WINDOW_MS);
        for (int i = 0; i < gpus.size(); i++) {
            AmdSmiGpu gpu = gpus.get(i);
            Long startMj = startsMj.get(i);
            Long endMj = startMj == null ? null : energyOrNull(gpu);
            if (endMj == null) {
                LOG.infof("GPU %d has no cumulative energy counter", i);
                gpu.trustEnergyCounter(false);
                continue;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double expectedMj = powersMw.get(i) * seconds;
            double measuredMj = endMj - startMj;
            Verdict verdict = verdict(expectedMj, measuredMj);
            gpu.trustEnergyCounter(verdict == Verdict.RELIABLE);
            LOG.infof("GPU %d energy counter: %s (expected %.1f mJ from power, counted %.1f mJ)%s", i, verdict,
                    expectedMj, measuredMj, verdict == Verdict.RELIABLE ? ""
                            : "; get_cumulative_energy answers 400 for it: poll power and integrate instead");
        }
    }

    private static long powerOrZero(AmdSmiGpu gpu) {
        try {
            return gpu.powerMw();
        } catch (DeviceException e) {
            if (e.kind() == DeviceErrorKind.NOT_SUPPORTED) {
                return 0;
            }
            throw e;
        }
    }

    private static Long energyOrNull(AmdSmiGpu gpu) {
        try {
            return gpu.rawEnergyMj();
        } catch (DeviceException e) {
            if (e.kind() == DeviceErrorKind.NOT_SUPPORTED) {
                return null;
            }
            throw e;
        }
    }
}
