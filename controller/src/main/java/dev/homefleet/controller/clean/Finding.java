package dev.homefleet.controller.clean;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;

/**
 * A listener that the port registry does not account for; the daemon publishes each as {@code port.conflict}.
 *
 * @param address the address it listens on
 * @param pid     the listening process, or -1 when the machine would not say
 * @param process the listening process's name, or empty
 * @param service the declared service whose port it is, or null when nothing declares it
 * @param project the reserved range the port lies in, or null
 */
public record Finding(Kind kind, String machine, int port, String address, int pid, String process,
        String service, String project, String message) {

    public enum Kind {
        /** Something listens on a port inside a reserved range that no service on the machine declares. */
        UNDECLARED_IN_RANGE,
        /** Something listens on one of {@code watch_ports} that no service on the machine declares. */
        UNDECLARED_WATCHED,
        /** A declared port is held by a process that is not the service's program. */
        WRONG_PROCESS
    }

    /** The {@code port.conflict} event for it: subject {@code machine:port}, the details in data. */
    public FleetEvent toEvent() {
        FleetEvent.Builder event = FleetEvent.of(EventType.PORT_CONFLICT)
                .subject(machine + ":" + port)
                .message(message)
                .data("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                .data("port", port)
                .data("address", address)
                .data("pid", pid < 0 ? null : pid)
                .data("process", process == null || process.isEmpty() ? null : process)
                .data("project", project);
        return service == null ? event.machine(machine).build() : event.service(machine, service).build();
    }
}
