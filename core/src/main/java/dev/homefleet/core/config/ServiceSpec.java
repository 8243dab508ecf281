package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import static dev.homefleet.core.config.Defaults.or;

/**
 * A long-running program on a machine.
 *
 * @param bind    the address it listens on: an address, {@code loopback}, {@code lan}, {@code tailscale},
 *                {@code all} (0.0.0.0), or {@code none} when the port is one it uses but does not listen on
 * @param project the reserved port range this service belongs to, if its port is in one
 */
public record ServiceSpec(
        @JsonIgnore @Name String name,
        String description,
        @Required ManagerSpec manager,
        Integer port,
        String bind,
        Protocol protocol,
        Boolean autoStart,
        String project,
        CheckSpec check) {

    public enum Protocol { TCP, UDP }

    public ServiceSpec {
        description = or(description, "");
        bind = or(bind, "0.0.0.0");
        protocol = or(protocol, Protocol.TCP);
        autoStart = or(autoStart, true);
    }
}
