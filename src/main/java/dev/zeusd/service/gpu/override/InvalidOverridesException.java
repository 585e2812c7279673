package dev.zeusd.service.gpu.override;

/** The override file cannot be used; the message is a phrase the caller turns into its startup sentence. */
public class InvalidOverridesException extends RuntimeException {
    public InvalidOverridesException(String problem) {
        super(problem, null, false, false);
    }
}
