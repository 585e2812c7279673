package dev.zeusd;

/**
 * The daemon or a command cannot start; the message is the one sentence the operator sees before the non-zero exit.
 * The ground floor: every layer may throw it (a device backend that cannot open, a bad flag, an unreadable key), and
 * the command line reports it without a stack trace.
 */
public class StartupException extends RuntimeException {
    public StartupException(String sentence) {
        super(sentence, null, false, false);
    }

    public StartupException(String sentence, Throwable cause) {
        super(sentence, cause, false, false);
    }
}
