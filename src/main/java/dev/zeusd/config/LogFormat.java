package dev.zeusd.config;

/** How log lines are written to stderr. */
public enum LogFormat {
    TEXT,
    /** One JSON object per line, for log collectors that parse fields (quarkus-logging-json). */
    JSON
}
