package dev.homefleet.agent.api;

import dev.homefleet.core.config.ManagerSpec;

/**
 * One service of this machine, as its manager reports it and as its port shows it: up when the manager runs it and
 * its port (if it has one) listens, degraded when only one of the two holds, down when the manager says it is
 * stopped or errored. Without an answer from the manager (a cron entry, a manager missing on this machine) the
 * port alone decides, and a service without a port to watch is {@link State#UNKNOWN}.
 *
 * @param bind    the address fleet.yaml says it listens on, resolved (0.0.0.0, 127.0.0.1, a LAN address, none);
 *                null when it has no port
 * @param pid     the process listening on the port, or null when nothing is or the OS will not say
 * @param process that process's name, or null
 * @param reason  why it is not up; null when it is up
 * @param managerState  what its manager says: running, starting, stopping, stopped, errored, unknown; null when
 *                      the manager was not asked (cron) or did not answer
 * @param managerError  why the manager did not answer, or null
 */
public record ServiceStatus(
        String name,
        ManagerSpec.Type manager,
        Integer port,
        String bind,
        State status,
        Integer pid,
        String process,
        String reason,
        String managerState,
        String managerError) {

    public enum State { UP, DEGRADED, DOWN, UNKNOWN }

    ServiceStatus withManager(String state, String error) {
        return new ServiceStatus(name, manager, port, bind, status, pid, process, reason, state, error);
    }
}
