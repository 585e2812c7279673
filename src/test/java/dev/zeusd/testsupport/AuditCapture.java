package dev.zeusd.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects the lines written to the audit logger while open. */
public final class AuditCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("zeusd.audit");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    public AuditCapture() {
        logger.addHandler(this);
    }

    public List<String> lines() {
        return lines;
    }

    /** Waits a little for lines written by GPU workers after the response (block=false). */
    public List<String> awaitLines(int count) throws InterruptedException {
        for (int i = 0; i < 200 && lines.size() < count; i++) {
            Thread.sleep(10);
        }
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(formatter.formatMessage(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
