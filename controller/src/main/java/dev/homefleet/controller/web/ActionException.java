package dev.homefleet.controller.web;

/**
 * An action that could not be done, with the HTTP status and error code it answers: the target is unknown (404),
 * the request makes no sense for it (400), or the machine or agent that must do it did not (502).
 */
public final class ActionException extends Exception {
    private final int status;
    private final String code;

    private ActionException(int status, String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
    }

    /** No such machine, service, job, failover or check-in in the fleet.yaml in force. */
    public static ActionException notFound(String message) {
        return new ActionException(404, "not_found", message, null);
    }

    /** The action does not apply to the target (a cron entry has no process to restart). */
    public static ActionException badRequest(String message) {
        return new ActionException(400, "bad_request", message, null);
    }

    /** The agent or machine that must act cannot be reached; the message says what to check. */
    public static ActionException unreachable(String message, Throwable cause) {
        return new ActionException(502, "unreachable", message, cause);
    }

    /** The agent or manager was reached and the action failed there. */
    public static ActionException failed(String message, Throwable cause) {
        return new ActionException(502, "action_failed", message, cause);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
