package dev.homefleet.controller.reach;

import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.service.ServiceManager;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restart of one service, the way both the healer and {@code fleet restart} do it: through the machine's agent
 * when it has one, else (or when the agent does not answer) through the service's manager locally or over SSH. A
 * machine reached through its agent alone has no other way, so its agent's failure is the answer.
 */
public final class Restarts {
    private static final Logger log = LoggerFactory.getLogger(Restarts.class);

    private Restarts() {}

    /** @return how it was restarted: "its agent", "this machine", "SSH" */
    public static String restart(FleetReach reach, ServiceManagers managers, MachineSpec machine, ServiceSpec service)
            throws IOException {
        String target = machine.name() + "/" + service.name();
        Optional<AgentClient> agent = reach.agent(machine);
        if (agent.isPresent()) {
            try {
                agent.get().restart(service.name());
                return "its agent";
            } catch (IOException e) {
                if (machine.reach().via() == ReachSpec.Via.AGENT) {
                    throw e;
                }
                log.info("restarting {} through its manager: its agent did not answer ({})", target, e.getMessage());
            }
        }
        Optional<ServiceManager> manager = managers.forService(machine, service, reach.commands(machine.name()));
        if (manager.isEmpty()) {
            throw new IOException(target + " has no manager that can restart it ("
                    + service.manager().type().name().toLowerCase(Locale.ROOT) + ")");
        }
        manager.get().restart();
        return machine.reach().via() == ReachSpec.Via.LOCAL ? "this machine" : "SSH";
    }
}
