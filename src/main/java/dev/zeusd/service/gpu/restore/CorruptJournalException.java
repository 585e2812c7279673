package dev.zeusd.service.gpu.restore;

/** The journal exists but cannot be read or understood; the message is one sentence naming the file and the way out. */
public class CorruptJournalException extends RuntimeException {
    CorruptJournalException(String sentence, Throwable cause) {
        super(sentence, cause, false, false);
    }
}
