package dev.homefleet.controller.alert;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.alert.Alert;
import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The controller's events in the notifier's terms. A service's down, up and what the healer did share the key
 * {@code machine/service}, so they make one incident: opened by {@code service.down}, added to by
 * {@code service.restarted} and {@code service.gave-up} ("restarted twice, still down, gave up"), ended by
 * {@code service.up} with its outage. Machines, check-ins and failover pairs work the same way; what has no end
 * (a port conflict, a rejected config, a resource warning, a failed job) is a notice.
 */
public final class EventAlerts {

    static final String GAVE_UP = "still down, gave up";

    private final Supplier<FleetConfig> config;

    /** @param config the fleet.yaml in force, for services' ports */
    public EventAlerts(Supplier<FleetConfig> config) {
        this.config = config;
    }

    /** Hands every event on {@code bus} to {@code notifier}; quick, so it runs on the publishing thread. */
    public static void subscribe(EventBus bus, TelegramNotifier notifier, Supplier<FleetConfig> config) {
        EventAlerts alerts = new EventAlerts(config);
        bus.subscribe("telegram", event -> alerts.toAlert(event).ifPresent(notifier::accept));
    }

    /** The alert for {@code event}, or empty for events nobody is told about (the controller's own start). */
    public Optional<Alert> toAlert(FleetEvent event) {
        Alert.Builder alert = switch (event.type()) {
            case SERVICE_DOWN -> Alert.problem(serviceKey(event), event.type().wire());
            case SERVICE_UP -> Alert.resolved(serviceKey(event), event.type().wire());
            case SERVICE_RESTARTED -> Alert.action(serviceKey(event), event.type().wire()).note(restartNote(event));
            case SERVICE_GAVE_UP -> Alert.action(serviceKey(event), event.type().wire()).note(GAVE_UP)
                    .hint("fix it, then send /restart " + serviceKey(event) + " here, or run: fleet restart "
                            + serviceKey(event));
            case MACHINE_DOWN -> Alert.problem(event.machine(), event.type().wire());
            case MACHINE_UP -> Alert.resolved(event.machine(), event.type().wire());
            case CHECKIN_LATE, CHECKIN_DOWN -> Alert.problem("checkin:" + event.subject(), event.type().wire());
            case CHECKIN_RECOVERED -> Alert.resolved("checkin:" + event.subject(), event.type().wire());
            // The standby alerts its own transitions (it must: the controller is usually on the machine that
            // failed); the controller telling them too would say everything twice.
            case FAILOVER_TAKEOVER, FAILOVER_FAILED, FAILOVER_RECOVERING, FAILOVER_YIELD, FAILOVER_SUSPECT -> null;
            case PORT_CONFLICT -> Alert.notice("port:" + (event.subject() != null ? event.subject() : event.target()),
                    event.type().wire());
            case RESOURCE_WARNING -> Alert.notice("resource:" + event.machine() + ":"
                    + event.data().getOrDefault("resource", "?"), event.type().wire());
            case CONTROLLER_STARTED, CONTROLLER_STOPPED -> null;
            default -> Alert.notice(event.type().wire() + ":" + event.target(), event.type().wire());
        };
        if (alert == null || keyless(event)) {
            return Optional.empty();
        }
        alert.severity(event.severity()).at(event.ts()).text(event.message()).port(port(event));
        if (event.service() != null) {
            alert.service(event.machine(), event.service());
        } else {
            alert.machine(event.machine());
        }
        event.data().forEach(alert::detail);
        return Optional.of(alert.build());
    }

    /** Service and machine events without their machine (or service) cannot be told apart: a bug upstream. */
    private static boolean keyless(FleetEvent event) {
        return switch (event.type()) {
            case SERVICE_DOWN, SERVICE_UP, SERVICE_RESTARTED, SERVICE_GAVE_UP ->
                    event.machine() == null || event.service() == null;
            case MACHINE_DOWN, MACHINE_UP -> event.machine() == null;
            case CHECKIN_LATE, CHECKIN_DOWN, CHECKIN_RECOVERED -> event.subject() == null;
            default -> false;
        };
    }

    private static String serviceKey(FleetEvent event) {
        return event.machine() + "/" + event.service();
    }

    /** "restarted", "restarted, it answered again", or "could not restart it". */
    private static String restartNote(FleetEvent event) {
        if (event.data().containsKey("error")) {
            return "could not restart it";
        }
        return Boolean.TRUE.equals(event.data().get("verified")) ? "restarted, it answered again" : "restarted";
    }

    private Integer port(FleetEvent event) {
        if (event.type() == EventType.PORT_CONFLICT && event.data().get("port") instanceof Number n) {
            return n.intValue();
        }
        if (event.machine() == null || event.service() == null) {
            return null;
        }
        MachineSpec machine = config.get().machines().get(event.machine());
        ServiceSpec service = machine == null ? null : machine.services().get(event.service());
        return service == null ? null : service.port();
    }
}
