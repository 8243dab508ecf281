package dev.homefleet.agent.api;

/**
 * An expected failure of an agent request: what the client asked for cannot be done, and the message says why in a
 * sentence a person can act on. Carries no stack trace; it is data for the error envelope, not a bug.
 */
public final class ApiException extends RuntimeException {

    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The body sent for this failure: {@code {"error":{"code":"...","message":"..."}}}. */
    public ErrorEnvelope envelope() {
        return ErrorEnvelope.of(code, getMessage());
    }
}
