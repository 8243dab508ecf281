package dev.homefleet.controller.web;

import dev.homefleet.agent.failover.FailoverStatus;
import dev.homefleet.controller.state.FleetState;
import java.util.Locale;

/**
 * What an admin may do from the dashboard or the API, done by the controller daemon; {@link ActRoutes} turns each
 * into a {@code POST /api/v1/...} route. Each call either does the thing and says how, or throws an
 * {@link ActionException} saying what is wrong and what to do.
 */
public interface FleetActions {

    /** restart, start or stop a service. */
    enum ServiceCommand {
        RESTART, START, STOP;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What {@code fleet failover promote|demote|auto} does, asked of the standby's agent. */
    enum FailoverCommand {
        PROMOTE, DEMOTE, AUTO;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Restarts, starts or stops {@code machine/service} through the machine's agent when it has one, else through
     * the service's manager locally or over SSH; returns when it is done.
     *
     * @return how it was done: "its agent", "this machine" or "SSH"
     */
    String service(String machine, String service, ServiceCommand command) throws ActionException;

    /** Starts the controller job {@code name} now (or right after its running run) without waiting for it. */
    void runJob(String name) throws ActionException;

    /** Asks the failover's standby agent to promote, demote or go back to auto, and returns its state after. */
    FailoverStatus failover(String name, FailoverCommand command) throws ActionException;

    /**
     * Pauses (no longer expected; reports are still recorded) or resumes a check-in.
     *
     * @return its line after the change
     */
    FleetState.CheckinStatus checkin(String name, boolean pause) throws ActionException;
}
