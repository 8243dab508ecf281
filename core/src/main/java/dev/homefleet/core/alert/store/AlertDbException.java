package dev.homefleet.core.alert.store;

/** The alert database cannot be opened or written; the message names the file and what to do. */
public final class AlertDbException extends RuntimeException {
    public AlertDbException(String message, Throwable cause) {
        super(message, cause);
    }
}
