package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.map;

import java.util.Map;

/** Port conventions: ranges reserved for projects, keyed by project id. */
public record PortsSpec(Map<String, ReservedRange> reserved) {
    public PortsSpec {
        reserved = map(reserved);
    }
}
