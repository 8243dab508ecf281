package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.map;
import static dev.homefleet.core.config.Defaults.or;

import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated fleet.yaml. Built only by {@link FleetConfigLoader}; code that holds one can trust every
 * reference in it to resolve.
 */
public record FleetConfig(
        Integer version,
        String name,
        @Required ControllerSpec controller,
        @Required Map<String, MachineSpec> machines,
        PortsSpec ports,
        JobsSpec jobs,
        Map<String, CheckinSpec> checkins,
        Map<String, FailoverSpec> failover,
        AlertsSpec alerts) {

    public static final int CURRENT_VERSION = 1;

    public FleetConfig {
        version = or(version, CURRENT_VERSION);
        name = or(name, "homefleet");
        machines = withRoles(map(machines), controller == null ? null : controller.machine());
        ports = or(ports, new PortsSpec(null));
        jobs = or(jobs, new JobsSpec(null, null, null, null));
        checkins = map(checkins);
        failover = map(failover);
        alerts = or(alerts, new AlertsSpec(null));
    }

    private static Map<String, MachineSpec> withRoles(Map<String, MachineSpec> machines, String controllerMachine) {
        Map<String, MachineSpec> out = new java.util.LinkedHashMap<>();
        machines.forEach((name, machine) -> out.put(name, machine.role() != null ? machine
                : machine.withRole(name.equals(controllerMachine) ? MachineSpec.Role.CONTROLLER : MachineSpec.Role.WORKER)));
        return map(out);
    }

    public Optional<MachineSpec> machine(String name) {
        return Optional.ofNullable(machines.get(name));
    }

    /**
     * The URL a failover's standby polls: its {@code check}, else http://HOST:PORT/ of the primary service, HOST
     * being the primary machine's mDNS name, else its LAN, else its Tailscale address.
     */
    public Optional<String> failoverCheckUrl(FailoverSpec failover) {
        if (failover.check() != null) {
            return Optional.of(failover.check());
        }
        MachineSpec primary = machines.get(failover.primary().machine());
        if (primary == null || failover.primary().service() == null) {
            return Optional.empty();
        }
        ServiceSpec service = primary.services().get(failover.primary().service());
        Addresses a = primary.addresses();
        String host = a.mdns() != null ? a.mdns() : a.lan() != null ? a.lan() : a.tailscale();
        if (service == null || service.port() == null || host == null) {
            return Optional.empty();
        }
        return Optional.of("http://" + host + ":" + service.port() + "/");
    }

    public int serviceCount() {
        return machines.values().stream().mapToInt(m -> m.services().size()).sum();
    }
}
