package dev.zeusd.service.gpu;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

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
            log(gpuId, command, caller, previous, "ok", null, null);
        } catch (DeviceException e) {
            log(gpuId, command, caller, previous, "error", e.kind().httpStatus(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log(gpuId, command, caller, previous, "error", 500, e.toString());
            throw e;
        }
    }

    /**
     * One line; the same fields also go into the MDC for that line, so {@code --log-format json} carries them as
     * JSON fields ({@code mdc.caller}, {@code mdc.gpu}, ...) instead of one string to parse.
     */
    private static void log(int gpuId, GpuCommand command, String caller, String previous, String outcome,
            Integer status, String error) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("caller", caller);
        fields.put("gpu", Integer.toString(gpuId));
        fields.put("op", command.operation());
        fields.put("previous", previous);
        fields.put("outcome", outcome);
        StringBuilder text = new StringBuilder(line(gpuId, command, caller, previous)).append(" outcome=").append(outcome);
        if (status != null) {
            fields.put("status", status.toString());
            fields.put("error", error);
            text.append(" status=").append(status).append(" error=").append(quote(error));
        }
        fields.forEach(MDC::put);
        try {
            LOG.info(text);
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
        count(command, outcome);
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
