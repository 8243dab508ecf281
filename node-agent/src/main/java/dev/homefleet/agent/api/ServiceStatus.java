package dev.homefleet.agent.api;

import dev.homefleet.core.config.ManagerSpec;

/**
 * One service of this machine as its port shows it. Until the service managers exist, a service without a port to
 * watch is {@link State#UNKNOWN}.
 *
 * @param bind    the address fleet.yaml says it listens on, resolved (0.0.0.0, 127.0.0.1, a LAN address, none);
 *                null when it has no port
 * @param pid     the process listening on the port, or null when nothing is or the OS will not say
 * @param process that process's name, or null
 * @param reason  why it is down or unknown; null when it is up
 */
public record ServiceStatus(
        String name,
        ManagerSpec.Type manager,
        Integer port,
        String bind,
        State status,
        Integer pid,
        String process,
        String reason) {

    public enum State { UP, DOWN, UNKNOWN }
}
