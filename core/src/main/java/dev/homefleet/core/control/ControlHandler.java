package dev.homefleet.core.control;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answers one action of a {@link ControlServer}.
 *
 * <p>Throw {@link ControlException} for an expected refusal ("no such service"): the client gets its code and
 * message, and the server logs one line. Anything else thrown is a bug: the client gets {@code internal} and the
 * server logs the stack trace.
 */
@FunctionalInterface
public interface ControlHandler {

    /**
     * @param data the request's {@code data}, JSON null when the request has none
     * @return what goes into the answer's {@code data}, serialized with Jackson (null is fine)
     */
    Object handle(JsonNode data) throws Exception;
}
