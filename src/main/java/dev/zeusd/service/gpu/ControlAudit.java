package dev.zeusd.service.gpu;

import java.time.Instant;

import org.jboss.logging.Logger;

import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * The audit trail: exactly one line per control call per GPU on the {@code zeusd.audit} logger, written on the GPU's
 * worker when the command has run, so it records what really happened (also for {@code block=false}).
 * Format: {@code time=... caller=... gpu=N op=... <requested values> previous=<value|unknown> outcome=ok|error ...}.
 */
public final class ControlAudit {
    public static final String LOGGER = "zeusd.audit";
    private static final Logger LOG = Logger.getLogger(LOGGER);

    private ControlAudit() {
    }

    /** Runs {@code command} on {@code gpu} and writes its audit line, whatever the outcome. */
    static void runAudited(int gpuId, GpuDevice gpu, GpuCommand command, String caller) {
        String previous = readPrevious(gpu, command);
        try {
            command.execute(gpu);
            LOG.info(line(gpuId, command, caller, previous) + " outcome=ok");
            count(command, "ok");
        } catch (DeviceException e) {
            LOG.info(line(gpuId, command, caller, previous) + " outcome=error status=" + e.kind().httpStatus()
                    + " error=" + quote(e.getMessage()));
            count(command, "error");
            throw e;
        } catch (RuntimeException e) {
            LOG.info(line(gpuId, command, caller, previous) + " outcome=error status=500 error=" + quote(e.toString()));
            count(command, "error");
            throw e;
        }
    }

    /** {@code zeusd_control_calls_total{operation,outcome}} on Micrometer's global registry, which Quarkus feeds. */
    private static void count(GpuCommand command, String outcome) {
        Counter.builder("zeusd.control.calls").description("GPU control calls by operation and outcome")
                .tag("operation", command.operation()).tag("outcome", outcome).register(Metrics.globalRegistry)
                .increment();
    }

    private static String readPrevious(GpuDevice gpu, GpuCommand command) {
        try {
            String previous = command.previousValue(gpu);
            return previous == null ? "unknown" : previous.substring(previous.indexOf('=') + 1);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String line(int gpuId, GpuCommand command, String caller, String previous) {
        String arguments = command.arguments().isEmpty() ? "" : " " + command.arguments();
        return "time=" + Instant.now() + " caller=" + quote(caller) + " gpu=" + gpuId + " op=" + command.operation()
                + arguments + " previous=" + previous;
    }

    /** Values with spaces or quotes are quoted, so a line splits unambiguously on spaces. */
    static String quote(String value) {
        if (value.matches("[A-Za-z0-9_.:@=/,+-]+")) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
