package dev.homefleet.controller.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.agent.failover.FailoverEvent;
import dev.homefleet.agent.failover.FailoverMode;
import dev.homefleet.agent.failover.FailoverState;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.web.ControllerWeb;
import dev.homefleet.core.config.AlertsSpec.Severity;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where standby agents report failover transitions: {@code POST /api/v1/failover/events} takes the agent's
 * {@link FailoverEvent} as JSON, publishes it on the {@link EventBus} as a {@code failover.*} event (stored, then on
 * to the dashboard and alerts), and keeps the latest per failover for {@code fleet status}. Answers
 * {@code {"ok":true,"id":N}} once the event is recorded; 400 for a body that is not such an event, 404 for a failover
 * this controller's fleet.yaml does not declare, 503 when recording failed. The agent sends again on 5xx and drops on
 * 4xx. Authentication is the web server's: an agent on another machine sends the admin token.
 */
public final class FailoverEventRoutes {

    public static final String PATH = "/api/v1/failover/events";
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(FailoverEventRoutes.class);

    private final EventBus bus;
    private final Supplier<Set<String>> declared;
    private final ObjectMapper json = AgentJson.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Map<String, FailoverEvent> latest = new ConcurrentHashMap<>();

    /** @param declared the failover names of the fleet.yaml in force (it may be reloaded) */
    public FailoverEventRoutes(EventBus bus, Supplier<Set<String>> declared) {
        this.bus = bus;
        this.declared = declared;
    }

    public void register(JavalinConfig config) {
        config.routes.post(PATH, this::receive);
    }

    /** The latest event of every failover reported since the controller started, by name. */
    public Map<String, FailoverEvent> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(latest));
    }

    private void receive(Context ctx) {
        FailoverEvent event;
        try {
            event = parse(ctx);
        } catch (Refused e) {
            fail(ctx, e.status, e.code, e.getMessage());
            return;
        }
        FleetEvent recorded;
        // What subscribers of the event read (fleet status) must already include it.
        FailoverEvent before = latest.get(event.failover());
        latest.merge(event.failover(), event, (old, now) -> now.at().isBefore(old.at()) ? old : now);
        try {
            recorded = bus.publish(toFleetEvent(event));
        } catch (RuntimeException e) {
            log.error("a failover event of {} from {} was not recorded: {}", event.failover(), ctx.ip(),
                    e.getMessage());
            if (before == null) {
                latest.remove(event.failover(), event);
            } else {
                latest.replace(event.failover(), event, before);
            }
            fail(ctx, 503, "store_unavailable", "the event was not recorded: " + e.getMessage()
                    + "; the agent sends it again");
            return;
        }
        ctx.json(Map.of("ok", true, "id", recorded.id()));
    }

    private FailoverEvent parse(Context ctx) {
        byte[] body;
        try {
            body = ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            throw new Refused(e.getStatus() == 413 ? 413 : 400, e.getStatus() == 413 ? "payload_too_large"
                    : "bad_request", "the body could not be read: " + e.getMessage());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new Refused(413, "payload_too_large", "a failover event is at most " + MAX_BODY_BYTES / 1024
                    + " KiB");
        }
        FailoverEvent event;
        try {
            event = json.readValue(body, FailoverEvent.class);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "bad_request", "the body is not a failover event: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new Refused(400, "bad_request", "the body could not be read: " + e.getMessage());
        }
        if (event == null || event.failover() == null || event.from() == null || event.to() == null
                || event.at() == null) {
            throw new Refused(400, "bad_request", "a failover event needs failover, from, to and at");
        }
        if (!declared.get().contains(event.failover())) {
            throw new Refused(404, "not_found", "this controller's fleet.yaml declares no failover '"
                    + event.failover() + "'; give the standby the same fleet.yaml as the controller");
        }
        return event;
    }

    /**
     * The fleet event for a standby's report: typed by where the failover went ({@code failover.takeover} when the
     * standby took over, {@code failover.yield} when it handed back, {@code failover.suspect} and
     * {@code failover.recovering} on the way, {@code failover.failed} for failed actions and watchdog trouble), on
     * the standby machine and service, with the failover's name as the subject.
     */
    public static FleetEvent toFleetEvent(FailoverEvent e) {
        FailoverState from = e.from();
        FailoverState to = e.to();
        EventType type;
        Severity severity = null;
        if (e.problem() != null || to.failed()) {
            type = EventType.FAILOVER_FAILED;
            severity = e.problem() != null ? Severity.WARNING : null;
        } else if (from == to) {
            type = to.activeSide() ? EventType.FAILOVER_TAKEOVER : EventType.FAILOVER_YIELD;
            severity = Severity.INFO;
        } else if (to == FailoverState.ACTIVE) {
            type = from == FailoverState.RECOVERING ? EventType.FAILOVER_RECOVERING : EventType.FAILOVER_TAKEOVER;
            severity = from == FailoverState.RECOVERING ? Severity.WARNING : null;
        } else if (to == FailoverState.RECOVERING) {
            type = EventType.FAILOVER_RECOVERING;
        } else if (from.activeSide() || from == FailoverState.YIELD_FAILED) {
            type = EventType.FAILOVER_YIELD;
        } else {
            type = EventType.FAILOVER_SUSPECT;
            severity = to == FailoverState.STANDBY ? Severity.INFO : null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", from.wire());
        data.put("to", to.wire());
        data.put("mode", e.mode() == null ? FailoverMode.AUTO.wire() : e.mode().wire());
        data.put("reason", e.reason());
        data.put("failures", e.failures());
        data.put("successes", e.successes());
        data.put("primary", e.primaryService() == null ? e.primaryMachine()
                : e.primaryMachine() + "/" + e.primaryService());
        data.put("check", e.check());
        FleetEvent.Builder event = FleetEvent.of(type).at(e.at()).severity(severity).subject(e.failover())
                .message(e.message() != null && !e.message().isBlank() ? e.message()
                        : "failover " + e.failover() + ": " + from.wire() + " -> " + to.wire());
        if (e.standbyService() != null) {
            event.service(e.standbyMachine(), e.standbyService());
        } else {
            event.machine(e.standbyMachine());
        }
        data.forEach(event::data);
        if (e.problem() != null) {
            event.data("problem", e.problem());
        }
        return event.build();
    }

    private static void fail(Context ctx, int status, String code, String message) {
        ControllerWeb.error(ctx, HttpStatus.forStatus(status), code, message);
    }

    private static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
