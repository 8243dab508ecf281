package dev.homefleet.core.control;

/**
 * A control request that did not succeed: the server's error answer, or the client's reason for having none.
 * {@link #code()} is meant for programs, the message for people.
 */
public final class ControlException extends Exception {

    /** The request named an action the server has no handler for. */
    public static final String UNKNOWN_ACTION = "unknown_action";
    /** The request line was not a JSON object with an action. */
    public static final String BAD_REQUEST = "bad_request";
    /** The request line was longer than {@link ControlServer#MAX_REQUEST_BYTES}. */
    public static final String TOO_LARGE = "too_large";
    /** The handler failed unexpectedly. */
    public static final String INTERNAL = "internal";
    /** Every worker of the server is taken and its queue is full. */
    public static final String BUSY = "busy";
    /** Client side: no server answered on the socket within the connect time. */
    public static final String UNAVAILABLE = "unavailable";
    /** Client side: the server accepted the request but did not answer in time. */
    public static final String TIMEOUT = "timeout";
    /** Client side: the answer was not a valid envelope, or not the answer to this request. */
    public static final String PROTOCOL = "protocol";
    /** Client side: the calling thread was interrupted while it waited. */
    public static final String INTERRUPTED = "interrupted";

    private static final long serialVersionUID = 1L;

    private final String code;

    public ControlException(String code, String message) {
        this(code, message, null);
    }

    public ControlException(String code, String message, Throwable cause) {
        super(message, cause);
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("an error code is required, e.g. \"not_found\"");
        }
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
