package dev.homefleet.controller.heal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one healer run did to each service it was given, for the job's {@code job.report} event, the log and the
 * dashboard. Every service given lands in exactly one list, except one given up on right after its last restart,
 * which is in {@code restarted} (or {@code failed}) and in {@code gaveUp}.
 *
 * @param restarted restarted through its manager, and whether it answered afterwards
 * @param failed    the manager's restart failed; it counted against the budget all the same
 * @param gaveUp    given up on in this run: the budget is spent and it is still down
 * @param deferred  not touched, for the next run: this run's restarts were used up
 * @param leftAlone not touched: given up on in an earlier run
 */
public record HealerReport(
        Instant at,
        List<Restarted> restarted,
        List<Failed> failed,
        List<GaveUp> gaveUp,
        List<Deferred> deferred,
        List<LeftAlone> leftAlone) {

    public HealerReport {
        restarted = List.copyOf(restarted);
        failed = List.copyOf(failed);
        gaveUp = List.copyOf(gaveUp);
        deferred = List.copyOf(deferred);
        leftAlone = List.copyOf(leftAlone);
    }

    /** @param attempt the restart's number within the budget window: 1 for the first */
    public record Restarted(String machine, String service, int attempt, boolean verified, String detail) {
        public String target() {
            return RestartBudget.key(machine, service);
        }
    }

    public record Failed(String machine, String service, int attempt, String error) {
        public String target() {
            return RestartBudget.key(machine, service);
        }
    }

    /** @param lastError the last thing that went wrong: a restart's error, or why it still did not answer */
    public record GaveUp(String machine, String service, int restarts, String lastError) {
        public String target() {
            return RestartBudget.key(machine, service);
        }
    }

    /** @param reason why it waits: the run's restart limit, or the healer being stopped */
    public record Deferred(String machine, String service, String reason) {
        public String target() {
            return RestartBudget.key(machine, service);
        }
    }

    public record LeftAlone(String machine, String service, Instant gaveUpAt) {
        public String target() {
            return RestartBudget.key(machine, service);
        }
    }

    /** Whether the run was given no service at all. */
    public boolean nothingDown() {
        return restarted.isEmpty() && failed.isEmpty() && gaveUp.isEmpty() && deferred.isEmpty()
                && leftAlone.isEmpty();
    }

    /** One line: {@code restarted 1 (up), 1 still down; gave up on macmini/x; 1 deferred}. */
    public String summary() {
        if (nothingDown()) {
            return "nothing was down";
        }
        List<String> parts = new ArrayList<>();
        long up = restarted.stream().filter(Restarted::verified).count();
        long down = restarted.size() - up;
        if (up > 0 && down > 0) {
            parts.add("restarted " + up + " (up), " + down + " still down");
        } else if (up > 0) {
            parts.add("restarted " + up + " (up)");
        } else if (down > 0) {
            parts.add("restarted " + down + " (still down)");
        }
        if (!failed.isEmpty()) {
            parts.add("restart failed on " + failed.stream().map(Failed::target).collect(Collectors.joining(", ")));
        }
        if (!gaveUp.isEmpty()) {
            parts.add("gave up on " + gaveUp.stream().map(GaveUp::target).collect(Collectors.joining(", ")));
        }
        if (!deferred.isEmpty()) {
            parts.add(deferred.size() + " deferred");
        }
        if (!leftAlone.isEmpty()) {
            parts.add(leftAlone.size() + " left alone (gave up earlier)");
        }
        return String.join("; ", parts);
    }

    /** One line per service, in the order they were handled within each kind. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        restarted.forEach(r -> lines.add(r.target() + ": restarted (restart " + r.attempt() + "), "
                + (r.verified() ? "up" : "still down") + (r.detail() == null ? "" : ": " + r.detail())));
        failed.forEach(f -> lines.add(f.target() + ": restart " + f.attempt() + " failed: " + f.error()));
        gaveUp.forEach(g -> lines.add(g.target() + ": gave up after " + g.restarts() + " restarts; last error: "
                + g.lastError()));
        deferred.forEach(d -> lines.add(d.target() + ": " + d.reason()));
        leftAlone.forEach(l -> lines.add(l.target() + ": left alone: gave up at " + l.gaveUpAt()));
        return lines;
    }
}
