package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.util.List;

/** A block of ports kept for one project on every machine, e.g. 2567-2599 for the Aphos game servers. */
public record ReservedRange(
        @JsonIgnore @Name String project,
        @Required PortRange range,
        String description,
        List<Integer> defaultPorts,
        String notes) {

    public ReservedRange {
        description = or(description, "");
        defaultPorts = list(defaultPorts);
        notes = or(notes, "");
    }
}
