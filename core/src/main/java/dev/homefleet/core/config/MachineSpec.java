package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import static dev.homefleet.core.config.Defaults.map;
import static dev.homefleet.core.config.Defaults.or;

import java.util.Map;

public record MachineSpec(
        @JsonIgnore @Name String name,
        String description,
        @Required Os os,
        Role role,
        Addresses addresses,
        Map<String, String> hardware,
        @Required ReachSpec reach,
        AgentSpec agent,
        Map<String, ServiceSpec> services) {

    public enum Os { MACOS, LINUX, WINDOWS, IOS }

    public enum Role { CONTROLLER, WORKER, CLIENT }

    MachineSpec withRole(Role newRole) {
        return new MachineSpec(name, description, os, newRole, addresses, hardware, reach, agent, services);
    }

    /** Role left out: filled in by {@link FleetConfig} (controller for controller.machine, else worker). */
    public MachineSpec {
        description = or(description, "");
        addresses = or(addresses, new Addresses(null, null, null));
        hardware = map(hardware);
        services = map(services);
        if (reach != null && reach.ssh() != null && reach.ssh().shell() == null) {
            SshSpec ssh = reach.ssh();
            SshSpec.Shell shell = os == Os.WINDOWS ? SshSpec.Shell.POWERSHELL : SshSpec.Shell.POSIX;
            reach = new ReachSpec(reach.via(), new SshSpec(ssh.host(), ssh.user(), ssh.port(), ssh.identity(),
                    ssh.proxy(), ssh.connectTimeout(), ssh.commandTimeout(), shell));
        }
    }
}
