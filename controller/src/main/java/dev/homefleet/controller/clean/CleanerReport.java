package dev.homefleet.controller.clean;

import dev.homefleet.controller.clean.OrphanOutcome.Action;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one cleaner run did on one machine. A step that failed is in {@code errors} and the others still ran.
 *
 * @param simulators the simulator check, or null where there is none (not a Mac, or no process listing)
 * @param notes      what is worth knowing but is no failure: why a step did not apply, a missing lock directory
 */
public record CleanerReport(String machine, List<OrphanOutcome> orphans, Simulators simulators,
        List<String> locksRemoved, List<Finding> portFindings, List<String> notes, List<String> errors) {

    public CleanerReport {
        orphans = List.copyOf(orphans);
        locksRemoved = List.copyOf(locksRemoved);
        portFindings = List.copyOf(portFindings);
        notes = List.copyOf(notes);
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    public List<OrphanOutcome> orphans(Action action) {
        return orphans.stream().filter(o -> o.action() == action).toList();
    }

    /** One line: {@code 2 orphans reported, 1 killed; 0 simulators; 3 stale locks removed; 1 port conflict}. */
    public String summary() {
        StringBuilder line = new StringBuilder(count(orphans.size(), "orphan", "orphans")).append(" reported, ")
                .append(orphans(Action.KILLED).size()).append(" killed");
        int failed = orphans(Action.KILL_FAILED).size();
        if (failed > 0) {
            line.append(", ").append(failed).append(failed == 1 ? " kill failed" : " kills failed");
        }
        line.append("; ").append(count(simulators == null ? 0 : simulators.count(), "simulator", "simulators"));
        if (simulators != null && simulators.shutDown()) {
            line.append(", shut down");
        } else if (simulators != null && simulators.failure() != null) {
            line.append(", shutdown failed");
        }
        line.append("; ").append(count(locksRemoved.size(), "stale lock", "stale locks")).append(" removed");
        line.append("; ").append(count(portFindings.size(), "port conflict", "port conflicts"));
        if (!errors.isEmpty()) {
            line.append("; ").append(count(errors.size(), "error", "errors"));
        }
        return line.toString();
    }

    /** {@code orphan.found} / {@code orphan.killed} for each orphan, {@code port.conflict} for each finding. */
    public List<FleetEvent> events() {
        List<FleetEvent> events = new ArrayList<>();
        for (OrphanOutcome orphan : orphans) {
            ProcessInfo p = orphan.process();
            String what = "orphaned process " + p.pid() + " (" + p.command() + ") on " + machine + ", running "
                    + age(p.age());
            String message = switch (orphan.action()) {
                case KILLED -> "stopped " + what + ": it matches kill_orphans";
                case KILL_FAILED -> what + ": kill failed: " + orphan.detail();
                case REPORTED -> what + "; " + orphan.detail();
            };
            events.add(FleetEvent.of(orphan.action() == Action.KILLED ? EventType.ORPHAN_KILLED
                            : EventType.ORPHAN_FOUND)
                    .machine(machine)
                    .subject(machine + ":pid " + p.pid())
                    .message(message)
                    .data("pid", p.pid())
                    .data("ppid", p.ppid())
                    .data("ageSeconds", p.age().toSeconds())
                    .data("command", p.command())
                    .data("action", orphan.action().name().toLowerCase(java.util.Locale.ROOT))
                    .build());
        }
        portFindings.forEach(f -> events.add(f.toEvent()));
        return events;
    }

    static String age(Duration age) {
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m " + age.toSecondsPart() + "s" : age.toSecondsPart() + "s";
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
