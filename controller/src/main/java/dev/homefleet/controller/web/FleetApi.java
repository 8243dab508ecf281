package dev.homefleet.controller.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Secrets;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.ports.PortRegistry;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The read half of {@code /api/v1}: the fleet document and its parts, the port plan, the event history, job runs,
 * check-ins, failovers and the redacted config. Every answer is built from one {@link FleetState} snapshot and the
 * config in force at that moment, never from live objects, so a reader never sees half of a change.
 */
public final class FleetApi {
    public static final String BASE = "/api/v1";
    static final int DEFAULT_EVENTS = 100;
    static final int MAX_EVENTS = 1_000;
    static final Duration SAMPLE_WINDOW = Duration.ofHours(24);

    private final Supplier<FleetState> state;
    private final Supplier<FleetConfig> config;
    private final Store store;
    private final Clock clock;

    public FleetApi(Supplier<FleetState> state, Supplier<FleetConfig> config, Store store, Clock clock) {
        this.state = state;
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    public void register(JavalinConfig app) {
        app.routes.get(BASE + "/fleet", this::fleet);
        app.routes.get(BASE + "/machines", ctx -> ctx.json(Map.of("machines", document().get("machines"))));
        app.routes.get(BASE + "/machines/{machine}", this::machine);
        app.routes.get(BASE + "/services", this::services);
        app.routes.get(BASE + "/services/{machine}/{service}", this::service);
        app.routes.get(BASE + "/ports", this::ports);
        app.routes.get(BASE + "/events", this::events);
        app.routes.get(BASE + "/jobs", this::jobs);
        app.routes.get(BASE + "/checkins", ctx -> ctx.json(Map.of("checkins", state.get().checkins())));
        app.routes.get(BASE + "/failover", this::failover);
        app.routes.get(BASE + "/config", this::config);
    }

    /**
     * The whole document, rendered once per snapshot: a phone that reloads, or many of them, cost one rendering and
     * one compression until the fleet changes. An unchanged document answers {@code If-None-Match} with a 304.
     */
    private void fleet(Context ctx) {
        Rendered r = rendered();
        String accepts = ctx.header("Accept-Encoding");
        boolean gzip = accepts != null && accepts.toLowerCase(java.util.Locale.ROOT).contains("gzip");
        // A strong ETag names one representation: the compressed one has its own.
        String etag = gzip ? r.etag().substring(0, r.etag().length() - 1) + "-gz\"" : r.etag();
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Vary", "Accept-Encoding");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.contentType("application/json");
        if (gzip) {
            ctx.header("Content-Encoding", "gzip");
            ctx.result(r.gzip());
        } else {
            ctx.result(r.json());
        }
    }

    private record Rendered(FleetState state, FleetConfig config, byte[] json, byte[] gzip, String etag) {}

    private final java.util.concurrent.atomic.AtomicReference<Rendered> rendered =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The document of the current snapshot and config, from the cache when neither changed since it was made. */
    private Rendered rendered() {
        FleetState now = state.get();
        FleetConfig fleet = config.get();
        Rendered last = rendered.get();
        if (last != null && last.state() == now && last.config() == fleet) {
            return last;
        }
        try {
            byte[] json = FleetDocument.mapper().writeValueAsBytes(FleetDocument.of(now, fleet));
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream(json.length / 8 + 64);
            try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(packed)) {
                gzip.write(json);
            }
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(json);
            String etag = "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(json.length) + "\"";
            Rendered next = new Rendered(now, fleet, json, packed.toByteArray(), etag);
            rendered.set(next);
            return next;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ObjectNode document() {
        return FleetDocument.of(state.get(), config.get());
    }

    private void machine(Context ctx) {
        FleetConfig fleet = config.get();
        MachineSpec spec = machineSpec(fleet, ctx.pathParam("machine"));
        Map<String, Object> machine = FleetDocument.machine(spec, state.get().machines().get(spec.name()));
        Instant now = clock.instant();
        Instant from = now.minus(SAMPLE_WINDOW);
        machine.put("samples", SampleSeries.of(store.samples(spec.name(), from), from, now));
        ctx.json(machine);
    }

    private void services(Context ctx) {
        FleetConfig fleet = config.get();
        FleetState now = state.get();
        List<Map<String, Object>> services = new ArrayList<>();
        for (MachineSpec machine : fleet.machines().values()) {
            var status = now.machines().get(machine.name());
            for (ServiceSpec service : machine.services().values()) {
                services.add(FleetDocument.service(machine, service,
                        status == null ? null : status.services().get(service.name())));
            }
        }
        ctx.json(Map.of("services", services));
    }

    private void service(Context ctx) {
        FleetConfig fleet = config.get();
        MachineSpec machine = machineSpec(fleet, ctx.pathParam("machine"));
        String name = ctx.pathParam("service");
        ServiceSpec service = machine.services().get(name);
        if (service == null) {
            throw new ControllerWeb.Refused(HttpStatus.NOT_FOUND, "not_found", "no service '" + name + "' on "
                    + machine.name() + "; its services are " + String.join(", ", machine.services().keySet()));
        }
        var status = state.get().machines().get(machine.name());
        ctx.json(FleetDocument.service(machine, service, status == null ? null : status.services().get(name)));
    }

    /** The port plan of fleet.yaml (declared ports, ranges with their use, planned conflicts) and what the cleaner saw. */
    private void ports(Context ctx) {
        PortRegistry registry = PortRegistry.of(config.get());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ports", registry.entries());
        answer.put("ranges", registry.ranges(Optional.empty()));
        answer.put("conflicts", registry.conflicts());
        answer.put("observed_conflicts", state.get().conflicts());
        ctx.json(answer);
    }

    /**
     * {@code since}: an event id (the events after it, oldest first: what a reconnecting client missed) or an
     * ISO-8601 instant (the newest {@code limit} at or after it); {@code type}: one event type; {@code limit}: 1-1000.
     */
    private void events(Context ctx) {
        int limit = DEFAULT_EVENTS;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_EVENTS) {
                throw badRequest("limit must be a whole number from 1 to " + MAX_EVENTS + ", not '" + shorten(limitText)
                        + "'");
            }
        }
        EventType type = null;
        String typeText = ctx.queryParam("type");
        if (typeText != null && !typeText.isBlank()) {
            try {
                type = EventType.fromWire(typeText.strip());
            } catch (IllegalArgumentException e) {
                throw badRequest("'" + shorten(typeText) + "' is not an event type; use one of " + String.join(", ",
                        java.util.Arrays.stream(EventType.values()).map(EventType::wire).toList()));
            }
        }
        String since = ctx.queryParam("since");
        List<FleetEvent> events;
        if (since == null || since.isBlank()) {
            events = store.events(null, type, limit);
        } else if (since.strip().chars().allMatch(Character::isDigit)) {
            long id;
            try {
                id = Long.parseLong(since.strip());
            } catch (NumberFormatException e) {
                throw badRequest("since is too large an event id");
            }
            events = store.eventsAfter(id, type, limit);
        } else {
            try {
                events = store.events(Instant.parse(since.strip()), type, limit);
            } catch (DateTimeParseException e) {
                throw badRequest("since must be an event id or an ISO-8601 instant such as 2026-11-22T04:00:00Z, not '"
                        + shorten(since) + "'");
            }
        }
        ctx.json(Map.of("events", events));
    }

    private void jobs(Context ctx) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobs", state.get().jobs());
        answer.put("runs", store.jobRuns(null, 20));
        ctx.json(answer);
    }

    /** Each failover's state and its recent transitions, newest last. */
    private void failover(Context ctx) {
        ObjectNode doc = document();
        List<FleetEvent> transitions = new ArrayList<>();
        for (EventType type : EventType.values()) {
            if (type.wire().startsWith("failover.")) {
                transitions.addAll(store.events(null, type, 20));
            }
        }
        transitions.sort(java.util.Comparator.comparingLong(FleetEvent::id));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("failover", doc.get("failover"));
        answer.put("transitions", transitions.subList(Math.max(0, transitions.size() - 20), transitions.size()));
        ctx.json(answer);
    }

    /** fleet.yaml as in force, with every secret-looking value blanked (references such as ${ENV} are kept). */
    private void config(Context ctx) {
        JsonNode tree = Secrets.redact(dev.homefleet.core.config.FleetJson.compact(FleetDocument.mapper().copy())
                .valueToTree(config.get()));
        ctx.json(tree);
    }

    private static MachineSpec machineSpec(FleetConfig fleet, String name) {
        MachineSpec machine = fleet.machines().get(name);
        if (machine == null) {
            throw new ControllerWeb.Refused(HttpStatus.NOT_FOUND, "not_found", "no machine '" + shorten(name)
                    + "'; the machines are " + String.join(", ", fleet.machines().keySet()));
        }
        return machine;
    }

    private static ControllerWeb.Refused badRequest(String message) {
        return new ControllerWeb.Refused(HttpStatus.BAD_REQUEST, "bad_request", message);
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
