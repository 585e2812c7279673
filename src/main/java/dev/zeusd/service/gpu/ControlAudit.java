package dev.zeusd.service.gpu;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.zeusd.device.DeviceException;
import dev.zeusd.device.GpuDevice;
import dev.zeusd.service.gpu.command.GpuCommand;
import dev.zeusd.service.gpu.override.OverrideCommandFailed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The audit trail: exactly one line per control call per GPU on the {@code zeusd.audit} logger, written on the GPU's
 * worker when the command has run, so it records what really happened (also for {@code block=false}).
 * Format: {@code time=... caller=... gpu=N op=... <requested values> previous=<value|unknown> outcome=ok|error|timeout ...},
 * plus {@code override=...} for a call that ran an override's commands instead of the device call. A restore of a
 * journalled setting is written the same way with {@code caller=zeusd} and {@code restore=<reason> setting=<name>}.
 * Each line also counts in {@code zeusd_control_calls_total{operation,outcome}} on the injected registry.
 *
 * <p>
 * The {@code previous=} value costs one extra device read per control call (for example NVML's power-limit getter
 * before the setter). We keep it: control calls are rare and made by people or schedulers, not a hot path; a getter
 * costs microseconds next to a setter's milliseconds; and the value before a change is what makes a line useful to
 * undo or explain it afterwards. The read runs on the GPU's worker, so nothing changes the setting in between, and a
 * failed read only writes {@code previous=unknown}, never fails the call.
 */
@Singleton
public class ControlAudit {
    public static final String LOGGER = "zeusd.audit";
    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final Logger LATE = Logger.getLogger(ControlAudit.class);

    private final MeterRegistry registry;

    @Inject
    public ControlAudit(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * On the GPU's worker: reads the setting {@code command} is about to change, runs {@code call} and writes the
     * audit line, whatever the outcome; the call's exception, if any, goes on to the caller. {@code call} returns
     * fields to add to the line (an override's commands); {@code context} fields come first (a restore's reason).
     * A failed override's line adds the failed command's {@code stdout} and {@code stderr}.
     */
    public void around(int gpuId, GpuDevice gpu, GpuCommand command, String caller, Map<String, String> context,
            Supplier<Map<String, String>> call) {
        around(entry(gpuId, command, caller, context), gpu, call);
    }

    /** The one line a control call on one GPU will get, from {@link #around} or {@link #timedOut}. */
    public Entry entry(int gpuId, GpuCommand command, String caller, Map<String, String> context) {
        return new Entry(gpuId, command, caller, context);
    }

    /**
     * As above, for a call whose caller may give up first ({@link #timedOut}): whichever of the two comes first
     * writes the entry's one line; a call that finishes after its timeout line says how it ended in the daemon's log.
     */
    public void around(Entry entry, GpuDevice gpu, Supplier<Map<String, String>> call) {
        entry.previous = readPrevious(gpu, entry.command);
        try {
            Map<String, String> added = call.get();
            entry.write("ok", null, null, merged(entry.context, added));
        } catch (OverrideCommandFailed e) {
            entry.write("error", e.kind().httpStatus(), e.summary(), merged(entry.context, e.auditFields()));
            throw e;
        } catch (DeviceException e) {
            entry.write("error", e.kind().httpStatus(), e.getMessage(), entry.context);
            throw e;
        } catch (RuntimeException e) {
            entry.write("error", 500, e.toString(), entry.context);
            throw e;
        }
    }

    /** The line of a call whose caller got a timeout (503): the call may still run, and may have changed the setting. */
    public void timedOut(Entry entry, DeviceException timeout) {
        entry.write("timeout", timeout.kind().httpStatus(), timeout.getMessage(), entry.context);
    }

    /** One control call on one GPU, to be audited in exactly one line. */
    public final class Entry {
        private final int gpuId;
        private final GpuCommand command;
        private final String caller;
        private final Map<String, String> context;
        private final AtomicBoolean written = new AtomicBoolean();
        private volatile String previous = "unknown";

        private Entry(int gpuId, GpuCommand command, String caller, Map<String, String> context) {
            this.gpuId = gpuId;
            this.command = command;
            this.caller = caller;
            this.context = context;
        }

        private void write(String outcome, Integer status, String error, Map<String, String> extra) {
            if (written.compareAndSet(false, true)) {
                log(gpuId, command, caller, previous, outcome, status, error, extra);
            } else {
                String arguments = command.arguments().isEmpty() ? "" : " " + command.arguments();
                LATE.warnf("GPU %d: %s%s, which timed out before, has finished after all: %s%s", gpuId,
                        command.operation().wireName(), arguments, outcome, error == null ? "" : " (" + error + ")");
            }
        }
    }

    private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
        if (second.isEmpty()) {
            return first;
        }
        Map<String, String> all = new LinkedHashMap<>(first);
        all.putAll(second);
        return all;
    }

    /**
     * One line; the same fields also go into the MDC for that line, so {@code --log-format json} carries them as
     * JSON fields ({@code mdc.caller}, {@code mdc.gpu}, ...) instead of one string to parse.
     */
    private void log(int gpuId, GpuCommand command, String caller, String previous, String outcome,
            Integer status, String error, Map<String, String> extra) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("caller", caller);
        fields.put("gpu", Integer.toString(gpuId));
        fields.put("op", command.operation().wireName());
        fields.put("previous", previous);
        fields.put("outcome", outcome);
        StringBuilder text = new StringBuilder(line(gpuId, command, caller, previous)).append(" outcome=").append(outcome);
        if (status != null) {
            fields.put("status", status.toString());
            fields.put("error", error);
            text.append(" status=").append(status).append(" error=").append(quote(error));
        }
        extra.forEach((name, value) -> {
            fields.put(name, value);
            text.append(' ').append(name).append('=').append(quote(value));
        });
        fields.forEach(MDC::put);
        try {
            LOG.info(text);
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
        count(command, outcome);
    }

    private void count(GpuCommand command, String outcome) {
        Counter.builder("zeusd.control.calls").description("GPU control calls by operation and outcome")
                .tag("operation", command.operation().wireName()).tag("outcome", outcome).register(registry)
                .increment();
    }

    /** The value of the one readable setting the command changes, read before the change; else {@code unknown}. */
    private static String readPrevious(GpuDevice gpu, GpuCommand command) {
        try {
            return command.operation().readableSetting().map(setting -> String.valueOf(setting.readCurrent(gpu)))
                    .orElse("unknown");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String line(int gpuId, GpuCommand command, String caller, String previous) {
        String arguments = command.arguments().isEmpty() ? "" : " " + command.arguments();
        return "time=" + Instant.now() + " caller=" + quote(caller) + " gpu=" + gpuId + " op="
                + command.operation().wireName() + arguments + " previous=" + previous;
    }

    /**
     * Values with spaces, quotes or line breaks are quoted (line breaks escaped), so a line splits unambiguously on
     * spaces and stays one line even with a command's multi-line output in it.
     */
    static String quote(String value) {
        if (value.matches("[A-Za-z0-9_.:@=/,+-]+")) {
            return value;
        }
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                // other control characters (terminal escapes in command output) never reach the log raw
                default -> quoted.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c)
                        : String.valueOf(c));
            }
        }
        return quoted.append('"').toString();
    }
}
