package dev.homefleet.controller.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.util.Arrays;

/** Every kind of event, with the name it has on the wire and in the store ({@code service.down}). */
public enum EventType {
    MACHINE_UP("machine.up", Severity.INFO),
    MACHINE_DOWN("machine.down", Severity.CRITICAL),
    SERVICE_UP("service.up", Severity.INFO),
    SERVICE_DOWN("service.down", Severity.CRITICAL),
    SERVICE_RESTARTED("service.restarted", Severity.WARNING),
    SERVICE_GAVE_UP("service.gave-up", Severity.CRITICAL),
    PORT_CONFLICT("port.conflict", Severity.WARNING),
    RESOURCE_WARNING("resource.warning", Severity.WARNING),
    ORPHAN_FOUND("orphan.found", Severity.INFO),
    ORPHAN_KILLED("orphan.killed", Severity.INFO),
    JOB_STARTED("job.started", Severity.INFO),
    JOB_FINISHED("job.finished", Severity.INFO),
    JOB_FAILED("job.failed", Severity.WARNING),
    JOB_REPORT("job.report", Severity.INFO),
    CHECKIN_LATE("checkin.late", Severity.WARNING),
    CHECKIN_DOWN("checkin.down", Severity.CRITICAL),
    CHECKIN_RECOVERED("checkin.recovered", Severity.INFO),
    CONFIG_APPLIED("config.applied", Severity.INFO),
    CONFIG_REJECTED("config.rejected", Severity.WARNING),
    FAILOVER_SUSPECT("failover.suspect", Severity.WARNING),
    FAILOVER_TAKEOVER("failover.takeover", Severity.CRITICAL),
    FAILOVER_RECOVERING("failover.recovering", Severity.INFO),
    FAILOVER_YIELD("failover.yield", Severity.INFO),
    FAILOVER_FAILED("failover.failed", Severity.CRITICAL),
    CONTROLLER_STARTED("controller.started", Severity.INFO),
    CONTROLLER_STOPPED("controller.stopped", Severity.INFO);

    private final String wire;
    private final Severity severity;

    EventType(String wire, Severity severity) {
        this.wire = wire;
        this.severity = severity;
    }

    /** The severity an event of this type has unless it says otherwise. */
    public Severity severity() {
        return severity;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static EventType fromWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + wire + "' is not an event type; use one of "
                        + String.join(", ", Arrays.stream(values()).map(EventType::wire).toList())));
    }

    @Override
    public String toString() {
        return wire;
    }
}
