package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.or;

/** The node agent on a machine: where it listens and the token the controller presents to it. */
public record AgentSpec(Integer port, String bind, Secret token) {

    public static final int DEFAULT_PORT = 8421;

    public AgentSpec {
        port = or(port, DEFAULT_PORT);
        bind = or(bind, "127.0.0.1");
    }
}
