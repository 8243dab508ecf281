package dev.homefleet.controller.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.controller.web.FleetActions.FailoverCommand;
import dev.homefleet.controller.web.FleetActions.ServiceCommand;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin's actions as {@code POST /api/v1/...} routes: restart, start and stop a service, run a job now, promote,
 * demote or set a failover back to auto, pause and resume a check-in. The web server's gate has already let only an
 * admin through (with the CSRF token when signed in by cookie); a failed action answers in the error envelope with
 * {@link ActionException}'s status.
 */
public final class ActRoutes {
    private static final Logger log = LoggerFactory.getLogger(ActRoutes.class);
    private static final ObjectMapper AGENT_JSON = AgentJson.mapper();

    static final String SERVICE = "/api/v1/services/{machine}/{service}/";
    static final String JOB = "/api/v1/jobs/{name}/run";
    static final String FAILOVER = "/api/v1/failover/{name}/";
    static final String CHECKIN = "/api/v1/checkins/{name}/";

    private final FleetActions actions;

    public ActRoutes(FleetActions actions) {
        this.actions = actions;
    }

    public void register(JavalinConfig config) {
        for (ServiceCommand command : ServiceCommand.values()) {
            config.routes.post(SERVICE + command.wire(), ctx -> service(ctx, command));
        }
        config.routes.post(JOB, this::runJob);
        for (FailoverCommand command : FailoverCommand.values()) {
            config.routes.post(FAILOVER + command.wire(), ctx -> failover(ctx, command));
        }
        config.routes.post(CHECKIN + "pause", ctx -> checkin(ctx, true));
        config.routes.post(CHECKIN + "resume", ctx -> checkin(ctx, false));
    }

    private void service(Context ctx, ServiceCommand command) {
        String machine = ctx.pathParam("machine");
        String service = ctx.pathParam("service");
        String target = machine + "/" + service;
        act(ctx, command.wire() + " " + target, () -> {
            String via = actions.service(machine, service, command);
            Map<String, Object> answer = ok();
            answer.put("target", target);
            answer.put("action", command.wire());
            answer.put("via", via);
            ctx.json(answer);
            return "done through " + via;
        });
    }

    private void runJob(Context ctx) {
        String name = ctx.pathParam("name");
        act(ctx, "run job " + name, () -> {
            actions.runJob(name);
            Map<String, Object> answer = ok();
            answer.put("job", name);
            answer.put("accepted", true);
            ctx.status(HttpStatus.ACCEPTED).json(answer);
            return "started";
        });
    }

    private void failover(Context ctx, FailoverCommand command) {
        String name = ctx.pathParam("name");
        act(ctx, command.wire() + " failover " + name, () -> {
            var status = actions.failover(name, command);
            Map<String, Object> answer = ok();
            answer.put("failover", name);
            answer.put("command", command.wire());
            answer.put("status", AGENT_JSON.valueToTree(status));
            ctx.json(answer);
            return status.standby() + " is " + status.state().wire();
        });
    }

    private void checkin(Context ctx, boolean pause) {
        String name = ctx.pathParam("name");
        act(ctx, (pause ? "pause" : "resume") + " check-in " + name, () -> {
            var status = actions.checkin(name, pause);
            Map<String, Object> answer = ok();
            answer.put("checkin", status);
            ctx.json(answer);
            return "now " + status.state();
        });
    }

    private interface Action {
        /** Does it and answers; returns what happened, for the log. */
        String run() throws ActionException;
    }

    private static void act(Context ctx, String what, Action action) {
        Principal who = Gate.principal(ctx);
        String by = who == null ? "?" : who.via().wire();
        try {
            String outcome = action.run();
            log.info("{} (asked over HTTP, {}): {}", what, by, outcome);
        } catch (ActionException e) {
            log.info("{} (asked over HTTP, {}) failed: {}", what, by, e.getMessage());
            ControllerWeb.error(ctx, HttpStatus.forStatus(e.status()), e.code(), e.getMessage());
        }
    }

    private static Map<String, Object> ok() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        return answer;
    }
}
