package dev.homefleet.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.agent.api.ApiException;
import dev.homefleet.core.control.ControlException;
import dev.homefleet.core.control.ControlHandler;
import dev.homefleet.core.control.ControlServer;
import java.nio.file.Path;

/**
 * The agent's local control socket: the same answers as its HTTP API, for commands run on the machine itself.
 * {@code failover} answers every failover this machine is the standby of, or one with {@code {"name":"..."}};
 * {@code failover.promote}, {@code failover.demote} and {@code failover.auto} take {@code {"name":"..."}}.
 */
final class AgentControl {
    private AgentControl() {}

    static ControlServer server(Path socket, AgentApi api) {
        return new ControlServer(socket)
                .handle("health", data -> api.health())
                .handle("metrics", data -> api.metrics())
                .handle("ports", data -> api.ports())
                .handle("services", data -> api.services())
                .handle("failover", refusals(data -> {
                    String name = name(data, false);
                    return name == null ? api.failovers() : api.failover(name);
                }))
                .handle("failover.promote", refusals(data -> api.failover(name(data, true), "promote")))
                .handle("failover.demote", refusals(data -> api.failover(name(data, true), "demote")))
                .handle("failover.auto", refusals(data -> api.failover(name(data, true), "auto")));
    }

    /** The API's expected failures as the socket's refusals, with the same code and sentence. */
    private static ControlHandler refusals(ControlHandler handler) {
        return data -> {
            try {
                return handler.handle(data);
            } catch (ApiException e) {
                throw new ControlException(e.code().wire(), e.getMessage());
            }
        };
    }

    private static String name(JsonNode data, boolean required) throws ControlException {
        JsonNode name = data == null ? null : data.get("name");
        if (name == null || name.isNull()) {
            if (required) {
                throw new ControlException(ControlException.BAD_REQUEST, "name the failover: {\"name\":\"NAME\"}");
            }
            return null;
        }
        if (!name.isTextual()) {
            throw new ControlException(ControlException.BAD_REQUEST, "name must be text");
        }
        return name.textValue();
    }
}
