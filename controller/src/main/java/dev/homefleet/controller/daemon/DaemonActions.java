package dev.homefleet.controller.daemon;

import dev.homefleet.agent.failover.FailoverStatus;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.agent.AgentCallException;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.controller.checkin.CheckinTracker;
import dev.homefleet.controller.checkin.UnknownCheckinException;
import dev.homefleet.controller.jobs.JobScheduler;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.reach.Restarts;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.web.ActionException;
import dev.homefleet.controller.web.FleetActions;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.service.ServiceManager;
import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's actions as the running controller does them, with the fleet.yaml in force: a service through its
 * machine's agent first and its manager (locally or over SSH) otherwise, the way the healer restarts
 * ({@link Restarts}); a job through the scheduler; a failover through its standby's agent, the way
 * {@code fleet failover} asks it; a check-in through the tracker.
 */
final class DaemonActions implements FleetActions {
    private static final Logger log = LoggerFactory.getLogger(DaemonActions.class);

    private final Supplier<FleetConfig> config;
    private final Supplier<FleetReach> reach;
    private final ServiceManagers managers;
    private final JobScheduler scheduler;
    private final Collection<String> jobs;
    private final CheckinTracker checkins;
    private final StateHolder state;

    /** @param reach the connections of the fleet.yaml in force (replaced at a reload) */
    DaemonActions(Supplier<FleetConfig> config, Supplier<FleetReach> reach, ServiceManagers managers,
            JobScheduler scheduler, Collection<String> jobs, CheckinTracker checkins, StateHolder state) {
        this.config = config;
        this.reach = reach;
        this.managers = managers;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.checkins = checkins;
        this.state = state;
    }

    @Override
    public String service(String machineName, String serviceName, ServiceCommand command) throws ActionException {
        FleetConfig fleet = config.get();
        MachineSpec machine = fleet.machines().get(machineName);
        if (machine == null) {
            throw ActionException.notFound("no machine '" + machineName + "' in fleet.yaml; the machines are "
                    + String.join(", ", fleet.machines().keySet()));
        }
        ServiceSpec service = machine.services().get(serviceName);
        if (service == null) {
            throw ActionException.notFound("no service '" + serviceName + "' on " + machineName + "; "
                    + (machine.services().isEmpty() ? "it runs none in fleet.yaml"
                            : "its services are " + String.join(", ", machine.services().keySet())));
        }
        String target = machineName + "/" + serviceName;
        if (service.manager().type() == ManagerSpec.Type.CRON) {
            throw ActionException.badRequest(target + " is a cron entry: it has no process to " + command.wire()
                    + "; its runs report in as check-ins");
        }
        if (machine.reach().via() == ReachSpec.Via.NONE) {
            throw ActionException.badRequest(machineName + " is not reached by homefleet (reach.via: none), so "
                    + target + " cannot be " + past(command) + " from here; do it on " + machineName);
        }
        FleetReach fleetReach = reach.get();
        try {
            return switch (command) {
                case RESTART -> Restarts.restart(fleetReach, managers, machine, service);
                case START -> control(fleetReach, machine, service, command);
                case STOP -> control(fleetReach, machine, service, command);
            };
        } catch (AgentCallException e) {
            throw agentFailed(e, machineName, target + " was not " + past(command));
        } catch (IOException e) {
            throw ActionException.failed(target + " was not " + past(command) + ": " + e.getMessage(), e);
        }
    }

    /** Start or stop as {@link Restarts} restarts: the agent first, the manager unless the agent is the only way. */
    private String control(FleetReach fleetReach, MachineSpec machine, ServiceSpec service, ServiceCommand command)
            throws IOException {
        String target = machine.name() + "/" + service.name();
        Optional<AgentClient> agent = fleetReach.agent(machine);
        if (agent.isPresent()) {
            try {
                if (command == ServiceCommand.START) {
                    agent.get().start(service.name());
                } else {
                    agent.get().stop(service.name());
                }
                return "its agent";
            } catch (IOException e) {
                if (machine.reach().via() == ReachSpec.Via.AGENT) {
                    throw e;
                }
                log.info("{} {} through its manager: its agent did not answer ({})", command.wire(), target,
                        e.getMessage());
            }
        }
        Optional<ServiceManager> manager = managers.forService(machine, service,
                fleetReach.commands(machine.name()));
        if (manager.isEmpty()) {
            throw new IOException(target + " has no manager that can " + command.wire() + " it");
        }
        if (command == ServiceCommand.START) {
            manager.get().start();
        } else {
            manager.get().stop();
        }
        return machine.reach().via() == ReachSpec.Via.LOCAL ? "this machine" : "SSH";
    }

    @Override
    public void runJob(String name) throws ActionException {
        if (!jobs.contains(name) || !scheduler.has(name)) {
            throw ActionException.notFound("no job named '" + name + "'; the jobs are " + String.join(", ", jobs));
        }
        scheduler.runNow(name);
    }

    @Override
    public FailoverStatus failover(String name, FailoverCommand command) throws ActionException {
        FleetConfig fleet = config.get();
        FailoverSpec failover = fleet.failover().get(name);
        if (failover == null) {
            throw ActionException.notFound("no failover '" + name + "' in fleet.yaml; "
                    + (fleet.failover().isEmpty() ? "it declares none"
                            : "its failovers are " + String.join(", ", fleet.failover().keySet())));
        }
        MachineSpec standby = fleet.machines().get(failover.standby().machine());
        AgentClient agent = reach.get().agent(standby).orElseThrow(() -> ActionException.unreachable(
                "the standby " + standby.name() + " has no agent this controller can ask: give machines."
                        + standby.name() + ".agent a bind the controller reaches and set its token in the "
                        + "controller's environment, or run fleet failover " + command.wire() + " " + name + " on "
                        + standby.name(), null));
        try {
            return agent.failover(name, command.wire());
        } catch (AgentCallException e) {
            throw agentFailed(e, standby.name(), "failover " + name + " was not " + past(command));
        } catch (IOException e) {
            throw ActionException.failed("failover " + name + " was not " + past(command) + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public FleetState.CheckinStatus checkin(String name, boolean pause) throws ActionException {
        try {
            if (pause) {
                checkins.pause(name);
            } else {
                checkins.resume(name);
            }
        } catch (UnknownCheckinException e) {
            throw ActionException.notFound(e.getMessage());
        }
        state.update(s -> s.withCheckins(checkins.snapshot()));
        return checkins.snapshot().get(name);
    }

    /** An agent that was not reached is a 502 saying what to check; one that answered with an error, its answer. */
    private static ActionException agentFailed(AgentCallException e, String machine, String what) {
        return switch (e.kind()) {
            case REFUSED, TIMEOUT, UNREACHABLE -> ActionException.unreachable(what + ": " + e.getMessage()
                    + "; check that " + machine + " is up and its agent runs (fleet status)", e);
            default -> ActionException.failed(what + ": " + e.getMessage(), e);
        };
    }

    private static String past(ServiceCommand command) {
        return switch (command) {
            case RESTART -> "restarted";
            case START -> "started";
            case STOP -> "stopped";
        };
    }

    private static String past(FailoverCommand command) {
        return switch (command) {
            case PROMOTE -> "promoted";
            case DEMOTE -> "demoted";
            case AUTO -> "set back to auto";
        };
    }
}
