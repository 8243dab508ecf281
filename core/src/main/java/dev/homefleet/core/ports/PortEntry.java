package dev.homefleet.core.ports;

import dev.homefleet.core.config.ServiceSpec.Protocol;

/**
 * One declared listener: which machine's port, held by which service, on which address.
 *
 * @param bind    the resolved address (0.0.0.0, 127.0.0.1, a LAN address) or {@code none} for a port the service
 *                uses without listening on it
 * @param manager launchd, pm2, windows, process, cron, or homefleet for homefleet's own daemons
 * @param project the reserved range it belongs to, or null
 */
public record PortEntry(int port, String machine, String service, String bind, Protocol protocol, String manager,
        String project) {

    public static final String CONTROLLER = "homefleet-controller";
    public static final String AGENT = "homefleet-agent";
    public static final String CONTROLLER_CHECKINS = "homefleet-checkins";

    /** Where this port is written in fleet.yaml. */
    public String configPath() {
        if (service.equals(CONTROLLER)) {
            return "controller.port";
        }
        if (service.equals(CONTROLLER_CHECKINS)) {
            return "controller.checkin_port";
        }
        if (service.equals(AGENT)) {
            return "machines." + machine + ".agent.port";
        }
        return "machines." + machine + ".services." + service + ".port";
    }
}
