package dev.homefleet.core.probe;

import dev.homefleet.core.config.CheckSpec;

/** Builds the probe a service's {@code check} describes. */
public final class Probes {

    private Probes() {}

    /**
     * @throws IllegalArgumentException when the check names none of http, tcp, command and manager (fleet.yaml's
     *                                  validation prevents that), or the context lacks what the check needs: a
     *                                  CommandRunner for a command check, the ServiceManager for a manager check
     */
    public static Probe of(CheckSpec check, ProbeContext context) {
        if (check.http() != null) {
            return new HttpProbe(check, context);
        }
        if (check.tcp() != null) {
            return new TcpProbe(check, context);
        }
        if (!check.command().isEmpty()) {
            return new CommandProbe(check, context);
        }
        if (check.manager()) {
            return new ManagerProbe(check, context);
        }
        throw new IllegalArgumentException("the check names none of http, tcp, command and manager: true");
    }
}
