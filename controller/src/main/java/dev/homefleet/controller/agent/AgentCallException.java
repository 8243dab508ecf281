package dev.homefleet.controller.agent;

import java.io.IOException;

/**
 * A call to a node agent that did not give an answer: the message names the agent's URL and what happened, never
 * the token.
 */
public final class AgentCallException extends IOException {

    /** What went wrong, for callers that react differently (a machine down versus a token to fix). */
    public enum Kind {
        /** Nothing listens there: the agent is not running, or listens elsewhere. */
        REFUSED,
        /** Connected, or tried to, and got no answer in time. */
        TIMEOUT,
        /** The host is unknown or the network failed. */
        UNREACHABLE,
        /** The agent refused the token. */
        UNAUTHORIZED,
        /** The agent answered with its error envelope. */
        ERROR,
        /** Something answered that is not an agent's JSON. */
        BAD_ANSWER
    }

    private final Kind kind;
    private final int status;

    AgentCallException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the agent answered with, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
