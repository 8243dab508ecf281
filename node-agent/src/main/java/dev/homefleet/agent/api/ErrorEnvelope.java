package dev.homefleet.agent.api;

/** Every failed agent request answers with this: {@code {"error":{"code":"not_found","message":"..."}}}. */
public record ErrorEnvelope(Error error) {

    public record Error(String code, String message) {}

    public static ErrorEnvelope of(ErrorCode code, String message) {
        return new ErrorEnvelope(new Error(code.wire(), message));
    }
}
