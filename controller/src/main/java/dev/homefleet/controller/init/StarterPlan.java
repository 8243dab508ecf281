package dev.homefleet.controller.init;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What goes into the starter file.
 *
 * @param services the services written as they are: each has a manager homefleet can drive (launchd, pm2)
 * @param review   listeners no manager of homefleet's started, written commented out for the user to decide
 * @param skipped  what was left out on purpose, by why (ephemeral ports, system daemons ...), each thing one line
 * @param notes    what could not be looked at
 */
public record StarterPlan(HostFacts host, int controllerPort, List<PlannedService> services,
        List<PlannedService> review, Map<String, List<String>> skipped, List<String> notes) {

    public StarterPlan {
        services = List.copyOf(services);
        review = List.copyOf(review);
        skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        notes = List.copyOf(notes);
    }

    /** The plan for what {@code survey} found, the controller to listen on {@code controllerPort}. */
    public static StarterPlan of(Survey survey, int controllerPort) {
        return Planner.plan(survey, controllerPort);
    }
}
