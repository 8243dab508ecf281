package dev.homefleet.controller.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetJson;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet as the API and the dashboard show it: a {@link FleetState} snapshot joined with what fleet.yaml says about
 * each machine and service (port, manager, check), machines and services keyed by name in fleet.yaml's order, and a
 * summary a phone can read at a glance. {@code GET /api/v1/fleet} answers it, and it is the WebSocket's snapshot;
 * its parts are maps so that a change can be sent as the changed entries only.
 */
public final class FleetDocument {
    private static final ObjectMapper JSON = FleetJson.json().disable(SerializationFeature.INDENT_OUTPUT);

    private FleetDocument() {}

    /** The mapper every part of the document is written with (snake_case, ISO instants, lowercase enums). */
    public static ObjectMapper mapper() {
        return JSON;
    }

    public static ObjectNode of(FleetState state, FleetConfig config) {
        ObjectNode doc = JSON.createObjectNode();
        doc.putPOJO("at", state.at());
        doc.set("summary", JSON.valueToTree(summary(state, config)));
        doc.set("config", JSON.valueToTree(state.config()));
        ObjectNode machines = doc.putObject("machines");
        for (MachineSpec machine : config.machines().values()) {
            machines.set(machine.name(), JSON.valueToTree(machine(machine, state.machines().get(machine.name()))));
        }
        doc.set("jobs", JSON.valueToTree(state.jobs()));
        doc.set("checkins", JSON.valueToTree(state.checkins()));
        ObjectNode failovers = doc.putObject("failover");
        for (FailoverSpec spec : config.failover().values()) {
            failovers.set(spec.name(), JSON.valueToTree(failover(spec, state.failover().get(spec.name()))));
        }
        doc.set("conflicts", JSON.valueToTree(state.conflicts()));
        return doc;
    }

    /** What is wrong right now, one line per down machine and per service not up on a machine that is up. */
    public record Incident(String target, Health health, java.time.Instant since, String detail) {}

    public record Summary(String overall, int machinesUp, int machines, int servicesUp, int services,
            List<Incident> incidents) {}

    /**
     * {@code ok} when every watched machine and service is up (or not yet known), {@code down} when a machine or a
     * service is down or given up on, {@code degraded} otherwise.
     */
    public static Summary summary(FleetState state, FleetConfig config) {
        int machinesUp = 0;
        int machines = 0;
        int servicesUp = 0;
        int services = 0;
        boolean down = false;
        boolean degraded = false;
        List<Incident> incidents = new ArrayList<>();
        for (MachineSpec spec : config.machines().values()) {
            MachineStatus machine = state.machines().get(spec.name());
            if (machine == null) {
                continue; // not watched (the iPhone), or not reached yet
            }
            machines++;
            if (machine.health() == Health.UP) {
                machinesUp++;
            } else if (machine.health() == Health.DOWN) {
                down = true;
                incidents.add(new Incident(spec.name(), machine.health(), machine.since(), machine.error()));
            }
            for (ServiceStatus service : machine.services().values()) {
                services++;
                switch (service.health()) {
                    case UP -> servicesUp++;
                    case DEGRADED -> degraded = true;
                    case DOWN, GAVE_UP -> down = true;
                    default -> { }
                }
                boolean incident = service.health() == Health.DEGRADED || service.health() == Health.DOWN
                        || service.health() == Health.GAVE_UP;
                if (incident && machine.health() != Health.DOWN) {
                    incidents.add(new Incident(spec.name() + "/" + service.name(), service.health(), service.since(),
                            service.detail()));
                }
            }
        }
        String overall = down ? "down" : degraded ? "degraded" : "ok";
        return new Summary(overall, machinesUp, machines, servicesUp, services, incidents);
    }

    /** One machine: its fleet.yaml identity, its last known status (unknown before the first reach) and services. */
    public static Map<String, Object> machine(MachineSpec spec, MachineStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("description", spec.description());
        m.put("os", spec.os());
        m.put("role", spec.role());
        m.put("addresses", spec.addresses());
        m.put("health", status == null ? Health.UNKNOWN : status.health());
        m.put("since", status == null ? null : status.since());
        m.put("via", status == null ? null : status.via());
        m.put("last_heartbeat", status == null ? null : status.lastHeartbeat());
        m.put("error", status == null ? null : status.error());
        m.put("metrics", status == null ? null : status.metrics());
        Map<String, Object> services = new LinkedHashMap<>();
        for (ServiceSpec service : spec.services().values()) {
            services.put(service.name(), service(spec, service,
                    status == null ? null : status.services().get(service.name())));
        }
        m.put("services", services);
        return m;
    }

    /** One service: where fleet.yaml puts it and how it is doing. */
    public static Map<String, Object> service(MachineSpec machine, ServiceSpec spec, ServiceStatus status) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("machine", machine.name());
        s.put("name", spec.name());
        s.put("description", spec.description());
        s.put("health", status == null ? Health.UNKNOWN : status.health());
        s.put("since", status == null ? null : status.since());
        s.put("last_check", status == null ? null : status.lastCheck());
        s.put("detail", status == null ? null : status.detail());
        s.put("latency_millis", status == null ? null : status.latencyMillis());
        s.put("failures", status == null ? 0 : status.failures());
        s.put("successes", status == null ? 0 : status.successes());
        s.put("restarts", status == null ? 0 : status.restarts());
        s.put("last_restart", status == null ? null : status.lastRestart());
        s.put("port", spec.port());
        s.put("bind", spec.bind());
        s.put("manager", spec.manager().type());
        s.put("auto_start", spec.autoStart());
        s.put("check", describe(spec.check()));
        return s;
    }

    /** One failover: its two ends, the state its standby last reported, and that report. */
    public static Map<String, Object> failover(FailoverSpec spec, FailoverEvent last) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", spec.name());
        f.put("primary", endpoint(spec.primary()));
        f.put("standby", endpoint(spec.standby()));
        f.put("state", last == null ? "unknown" : last.to());
        f.put("mode", last == null ? null : last.mode());
        f.put("failures", last == null ? 0 : last.failures());
        f.put("successes", last == null ? 0 : last.successes());
        f.put("last", last);
        return f;
    }

    private static String endpoint(FailoverSpec.Endpoint endpoint) {
        return endpoint.service() == null ? endpoint.machine() : endpoint.machine() + "/" + endpoint.service();
    }

    /** A check in a few words: {@code http http://127.0.0.1:18789/health}, {@code tcp 127.0.0.1:11434}. */
    static String describe(CheckSpec check) {
        if (check == null) {
            return null;
        }
        if (check.http() != null) {
            return "http " + check.http();
        }
        if (check.tcp() != null) {
            return "tcp " + check.tcp();
        }
        if (check.command() != null && !check.command().isEmpty()) {
            return "command " + check.command().get(0);
        }
        return Boolean.TRUE.equals(check.manager()) ? "manager status" : null;
    }
}
