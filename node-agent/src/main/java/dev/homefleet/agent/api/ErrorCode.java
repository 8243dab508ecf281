package dev.homefleet.agent.api;

import java.util.Arrays;

/** The {@code code} of the agent's error envelope, with the HTTP status it travels with. */
public enum ErrorCode {
    BAD_REQUEST(400, "bad_request"),
    UNAUTHORIZED(401, "unauthorized"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    INTERNAL_ERROR(500, "internal_error"),
    /** The service's manager (launchd, pm2, Windows, a process) refused or failed the action. */
    MANAGER_FAILED(502, "manager_failed"),
    NOT_IMPLEMENTED(501, "not_implemented");

    private final int status;
    private final String wire;

    ErrorCode(int status, String wire) {
        this.status = status;
        this.wire = wire;
    }

    public int status() {
        return status;
    }

    public String wire() {
        return wire;
    }

    /** The code for a status the HTTP layer chose by itself (a malformed request, an unsupported method). */
    public static ErrorCode forStatus(int status) {
        return Arrays.stream(values()).filter(c -> c.status == status).findFirst()
                .orElse(status >= 500 ? INTERNAL_ERROR : BAD_REQUEST);
    }
}
