package dev.homefleet.agent;

import dev.homefleet.agent.api.AgentApi;
import dev.homefleet.core.control.ControlServer;
import java.nio.file.Path;

/** The agent's local control socket: the same answers as its HTTP API, for commands run on the machine itself. */
final class AgentControl {
    private AgentControl() {}

    static ControlServer server(Path socket, AgentApi api) {
        return new ControlServer(socket)
                .handle("health", data -> api.health())
                .handle("metrics", data -> api.metrics())
                .handle("ports", data -> api.ports())
                .handle("services", data -> api.services());
    }
}
