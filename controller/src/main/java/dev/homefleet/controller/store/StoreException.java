package dev.homefleet.controller.store;

/**
 * The store could not do what it was asked: the file cannot be opened or written, or it was made by a newer
 * homefleet. The message names the file and says what to do; whatever was being written was not acknowledged.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
