package dev.homefleet.core.ports;

import java.util.List;

/**
 * Something in the port plan that cannot all be true at once.
 *
 * @param entries the listeners involved, in file order (for a range overlap: none)
 * @param ranges  the reserved ranges involved, by project
 */
public record Conflict(Kind kind, String message, List<PortEntry> entries, List<String> ranges) {

    public enum Kind {
        /** Two listeners on one machine, port and protocol whose addresses overlap. */
        PORT_CLASH,
        /** A service's port lies inside a range reserved for another project. */
        FOREIGN_RANGE,
        /** Two reserved ranges share ports. */
        RANGE_OVERLAP
    }
}
