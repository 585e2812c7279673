package dev.zeusd.lifecycle;

/** The daemon cannot start; the message is the one sentence the operator sees before the non-zero exit. */
public class StartupException extends RuntimeException {
    public StartupException(String sentence) {
        super(sentence, null, false, false);
    }

    public StartupException(String sentence, Throwable cause) {
        super(sentence, cause, false, false);
    }
}
