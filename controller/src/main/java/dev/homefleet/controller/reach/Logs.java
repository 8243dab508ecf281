package dev.homefleet.controller.reach;

import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.service.ServiceManager;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A service's last log lines, read the way a restart is done ({@link Restarts}): through the machine's agent when it
 * has one, else through the service's manager locally or over SSH (pm2 logs, the plist's StandardOutPath, a plain
 * process's log file).
 */
public final class Logs {
    private Logs() {}

    public static List<String> tail(FleetConfig config, FleetReach reach, ServiceManagers managers, String machineName,
            String serviceName, int lines) throws IOException {
        MachineSpec machine = config.machines().get(machineName);
        ServiceSpec service = machine == null ? null : machine.services().get(serviceName);
        if (service == null) {
            throw new IOException("no service " + machineName + "/" + serviceName + " in fleet.yaml");
        }
        Optional<AgentClient> agent = reach.agent(machine);
        if (agent.isPresent()) {
            try {
                return agent.get().logs(serviceName, lines);
            } catch (IOException e) {
                if (machine.reach().via() == ReachSpec.Via.AGENT) {
                    throw e;
                }
            }
        }
        Optional<ServiceManager> manager = managers.forService(machine, service, reach.commands(machineName));
        if (manager.isEmpty()) {
            throw new IOException(machineName + "/" + serviceName + " has no manager that keeps its log ("
                    + service.manager().type().name().toLowerCase(Locale.ROOT) + ")");
        }
        return manager.get().logs(lines);
    }
}
