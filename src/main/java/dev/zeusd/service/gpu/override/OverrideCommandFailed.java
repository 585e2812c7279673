package dev.zeusd.service.gpu.override;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.zeusd.device.DeviceErrorKind;
import dev.zeusd.device.DeviceException;

/**
 * An override command failed: a 500 whose message names the command, why it failed, and the last
 * {@value #RESPONSE_TAIL_BYTES} bytes of each output stream; the audit line gets the outputs in full.
 */
public class OverrideCommandFailed extends DeviceException {
    static final int RESPONSE_TAIL_BYTES = 2048;
    public static final String PREFIX = "Override command failed: ";

    private final String summary;
    private final String ran;
    private final String stdout;
    private final String stderr;

    OverrideCommandFailed(CommandResult result, String failure, String ran) {
        super(DeviceErrorKind.INTERNAL, PREFIX + "'" + result.commandLine() + "' " + failure + "; stdout: "
                + tail(result.stdout()) + "; stderr: " + tail(result.stderr()));
        this.summary = PREFIX + "'" + result.commandLine() + "' " + failure;
        this.ran = ran;
        this.stdout = result.stdout();
        this.stderr = result.stderr();
    }

    /** The message without the outputs. */
    public String summary() {
        return summary;
    }

    /** {@code override} (each command that ran, with its status), {@code stdout} and {@code stderr} of the failed one. */
    public Map<String, String> auditFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("override", ran);
        fields.put("stdout", stdout);
        fields.put("stderr", stderr);
        return fields;
    }

    /** The last {@value #RESPONSE_TAIL_BYTES} bytes, trailing newlines trimmed; "(empty)" for no output. */
    static String tail(String output) {
        String text = output.stripTrailing();
        if (text.isEmpty()) {
            return "(empty)";
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= RESPONSE_TAIL_BYTES) {
            return text;
        }
        ByteBuffer last = ByteBuffer.wrap(bytes, bytes.length - RESPONSE_TAIL_BYTES, RESPONSE_TAIL_BYTES);
        return "[...]" + StandardCharsets.UTF_8.decode(last);
    }
}
