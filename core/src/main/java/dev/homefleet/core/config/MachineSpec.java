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

    public MachineSpec {
        description = or(description, "");
        role = or(role, Role.WORKER);
        addresses = or(addresses, new Addresses(null, null, null));
        hardware = map(hardware);
        services = map(services);
    }
}
