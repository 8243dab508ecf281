package dev.homefleet.controller.init;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service of the starter file, in the shape fleet.yaml writes it.
 *
 * @param manager  the manager's keys in the order they are written; values are text or lists of text
 * @param port     its port, or null
 * @param bind     a bind word or address; null without a port
 * @param check    the check's keys (text, or {@code true} for {@code manager}); empty for no check
 * @param comments lines (without {@code #}) written at the top of its block: what to look at
 */
public record PlannedService(String name, String description, Map<String, Object> manager, Integer port, String bind,
        Map<String, Object> check, List<String> comments) {

    public PlannedService {
        manager = Collections.unmodifiableMap(new LinkedHashMap<>(manager));
        check = Collections.unmodifiableMap(new LinkedHashMap<>(check));
        comments = List.copyOf(comments);
    }
}
