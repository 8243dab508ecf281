package dev.homefleet.controller.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.control.ControlException;
import dev.homefleet.core.control.ControlServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code controller.sock} answers: {@code status} (the whole {@link dev.homefleet.controller.state.FleetState}),
 * {@code jobs} (each job's line and the recent runs), {@code jobs.run} (runs one and waits for it).
 */
final class ControlActions {
    static final Duration RUN_WITHIN = Duration.ofMinutes(10);

    private ControlActions() {}

    static ControlServer server(Path socket, ControllerDaemon daemon) {
        return new ControlServer(socket)
                .handle("status", data -> daemon.state())
                .handle("jobs", data -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("jobs", daemon.state().jobs().values());
                    answer.put("runs", daemon.store().jobRuns(null, 20));
                    return answer;
                })
                .handle("jobs.run", data -> daemon.runNow(name(data), RUN_WITHIN));
    }

    private static String name(JsonNode data) throws ControlException {
        String name = data == null ? "" : data.path("name").asText("");
        if (name.isBlank()) {
            throw new ControlException(ControlException.BAD_REQUEST, "name the job to run: {\"name\":\"healer\"}");
        }
        return name;
    }
}
