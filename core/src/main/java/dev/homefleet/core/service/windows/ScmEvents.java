package dev.homefleet.core.service.windows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A Windows service has no log file of its own that Windows knows of. What Windows does keep is the Service Control
 * Manager's entries in the System event log: entered the running/stopped state (7036), terminated unexpectedly
 * (7031, 7034), failed to start (7000, 7009, 7011), start type changed (7040). This reads them from the JSON the
 * logs script prints, newest first, one object per event: {@code TimeCreated} (ISO 8601 with offset), {@code Id},
 * {@code Level} and {@code Message}.
 */
final class ScmEvents {

    private ScmEvents() {}

    /** One line per event, oldest first: {@code 2026-01-29T00:30:12.4567890-05:00 Information 7036 The ... state.} */
    static List<String> lines(String output) {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : JsonArrays.elements(output, "the service's System event log entries")) {
            if (!event.isObject()) {
                throw new IllegalArgumentException("the event log script printed " + event + ", not an event");
            }
            lines.add(String.join(" ", text(event, "TimeCreated"), text(event, "Level"), text(event, "Id"),
                    text(event, "Message").replaceAll("\\s*\\R\\s*", " ").strip()));
        }
        Collections.reverse(lines);
        return lines;
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
