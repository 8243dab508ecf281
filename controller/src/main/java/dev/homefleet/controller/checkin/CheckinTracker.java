package dev.homefleet.controller.checkin;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.store.CheckinRecord;
import dev.homefleet.controller.store.Report;
import dev.homefleet.controller.store.Store;
import dev.homefleet.core.config.CheckinSpec;
import dev.homefleet.core.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Knows whether each check-in's job reports on time, the Healthchecks.io way. A check-in is {@code new} until its
 * first report, then {@code up}; once its next expected run plus {@code grace} passes without a report it is
 * {@code late}, and when the run after that plus grace passes too it is {@code down}. Its next report makes it
 * {@code up} again ({@code checkin.recovered}). A {@code paused} one is never late.
 *
 * <p>The state lives in the {@link Store}: a report and the state it causes are committed together before
 * {@link #report} returns, and a restarted controller resumes where it was, without announcing a known-down job
 * again. Events are published after the state is saved and outside this tracker's lock, so a subscriber may read
 * {@link #snapshot()} or report without deadlock.
 *
 * <p>The status a job reports (ok, warning, critical) does not change its state: the state says whether it ran,
 * the {@code job.report} event's severity says how it went.
 */
public final class CheckinTracker {

    public static final String NEW = "new";
    public static final String UP = "up";
    public static final String LATE = "late";
    public static final String DOWN = "down";
    public static final String PAUSED = "paused";

    private final Store store;
    private final EventBus bus;
    private final Clock clock;
    private final Object lock = new Object();
    private Map<String, Tracked> tracked = new LinkedHashMap<>();
    private volatile Map<String, CheckinStatus> snapshot = Map.of();

    /** Loads each check-in's saved state; one never seen before starts {@code new}. */
    public CheckinTracker(Collection<CheckinSpec> specs, Store store, EventBus bus, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.clock = Objects.requireNonNull(clock, "clock");
        replace(specs);
    }

    /** The check-ins' names, in fleet.yaml's order. */
    public List<String> names() {
        return List.copyOf(snapshot.keySet());
    }

    /** Every check-in's status as of the last change or {@link #evaluate}; never blocks. */
    public Map<String, CheckinStatus> snapshot() {
        return snapshot;
    }

    /**
     * Records a report from {@code name}'s job, commits it with the check-in's new state, then publishes
     * {@code job.report} (and {@code checkin.recovered} if it was late or down).
     *
     * @param source where it came from, e.g. {@code POST /api/log from 127.0.0.1}
     * @throws UnknownCheckinException when fleet.yaml declares no such check-in; nothing is stored then
     */
    public Report report(String name, ReportStatus status, String message, String source) {
        Objects.requireNonNull(status, "status");
        String text = message == null ? "" : message;
        Instant now = clock.instant();
        List<FleetEvent> events = new ArrayList<>();
        Report stored;
        synchronized (lock) {
            Tracked t = find(name);
            CheckinRecord before = t.saved;
            stored = store.atomically("record a report of " + name, () -> {
                Report report = store.report(name, status.wire(), text, now, source);
                store.saveCheckin(reported(before, report));
                return report;
            });
            t.saved = reported(before, stored);
            events.add(FleetEvent.of(EventType.JOB_REPORT).at(stored.at()).severity(status.severity())
                    .machine(t.spec.machine()).subject(name)
                    .message(name + " reported " + status.wire() + (text.isBlank() ? "" : ": " + text.strip()))
                    .data("status", status.wire()).data("report_id", stored.id()).data("source", source).build());
            if (before.state().equals(LATE) || before.state().equals(DOWN)) {
                events.add(FleetEvent.of(EventType.CHECKIN_RECOVERED).at(stored.at()).machine(t.spec.machine())
                        .subject(name)
                        .message(name + " reported again after being " + before.state() + " for "
                                + human(Duration.between(before.since(), stored.at())))
                        .data("was", before.state()).data("since", before.since().toString()).build());
            }
            publishSnapshot(now);
        }
        events.forEach(bus::publish);
        return stored;
    }

    /** {@link #evaluate(Instant)} at the clock's time. */
    public void evaluate() {
        evaluate(clock.instant());
    }

    /**
     * Moves every check-in whose deadlines have passed to {@code late} or {@code down}, saves it, and publishes one
     * event per change. Only moves forward: going back to {@code up} takes a report.
     */
    public void evaluate(Instant now) {
        List<FleetEvent> events = new ArrayList<>();
        synchronized (lock) {
            for (Tracked t : tracked.values()) {
                FleetEvent event = t.advance(now);
                if (event != null) {
                    events.add(event);
                }
            }
            publishSnapshot(now);
        }
        events.forEach(bus::publish);
    }

    /**
     * Takes a new set of check-ins (a reloaded fleet.yaml). Names that stay keep their state; when a check-in's
     * schedule or grace changed, its next deadline counts from now, so a tighter schedule does not make it late
     * at once. New names resume their saved state if they had one, else start {@code new}.
     */
    public void replace(Collection<CheckinSpec> specs) {
        Instant now = clock.instant();
        synchronized (lock) {
            Map<String, CheckinRecord> saved = null;
            Map<String, Tracked> next = new LinkedHashMap<>();
            for (CheckinSpec spec : specs) {
                Tracked old = tracked.get(spec.name());
                if (old != null) {
                    boolean timingChanged = !old.spec.schedule().equals(spec.schedule())
                            || !old.spec.grace().equals(spec.grace());
                    old.use(spec);
                    CheckinRecord r = old.saved;
                    if (timingChanged && r.anchor() != null && r.anchor().isBefore(now)) {
                        old.save(new CheckinRecord(r.name(), r.state(), r.since(), now, r.lastReport(),
                                r.lastStatus(), r.lastMessage()));
                    }
                    next.put(spec.name(), old);
                    continue;
                }
                if (saved == null) {
                    saved = store.checkins();
                }
                CheckinRecord record = saved.get(spec.name());
                Tracked t = new Tracked(spec, record != null ? record
                        : new CheckinRecord(spec.name(), NEW, now, null, null, null, null));
                if (record == null) {
                    t.save(t.saved);
                }
                next.put(spec.name(), t);
            }
            tracked = next;
            publishSnapshot(now);
        }
    }

    /** Stops expecting reports from {@code name} (maintenance, a job switched off); reports are still recorded. */
    public void pause(String name) {
        Instant now = clock.instant();
        synchronized (lock) {
            Tracked t = find(name);
            CheckinRecord r = t.saved;
            if (!r.state().equals(PAUSED)) {
                t.save(new CheckinRecord(r.name(), PAUSED, now, r.anchor(), r.lastReport(), r.lastStatus(),
                        r.lastMessage()));
            }
            publishSnapshot(now);
        }
    }

    /** Expects reports again: its next run counts from now; {@code up} if it ever reported, else {@code new}. */
    public void resume(String name) {
        Instant now = clock.instant();
        synchronized (lock) {
            Tracked t = find(name);
            CheckinRecord r = t.saved;
            if (r.state().equals(PAUSED)) {
                boolean reported = r.lastReport() != null;
                t.save(new CheckinRecord(r.name(), reported ? UP : NEW, now, reported ? now : null, r.lastReport(),
                        r.lastStatus(), r.lastMessage()));
            }
            publishSnapshot(now);
        }
    }

    /** A report keeps a paused check-in paused (it is only recorded), and makes any other one up from now on. */
    private static CheckinRecord reported(CheckinRecord r, Report report) {
        boolean paused = r.state().equals(PAUSED);
        boolean stays = paused || r.state().equals(UP);
        return new CheckinRecord(r.name(), stays ? r.state() : UP, stays ? r.since() : report.at(),
                paused ? r.anchor() : report.at(), report.at(), report.status(), report.message());
    }

    private Tracked find(String name) {
        Tracked t = tracked.get(name);
        if (t == null) {
            throw new UnknownCheckinException(name, List.copyOf(tracked.keySet()));
        }
        return t;
    }

    private void publishSnapshot(Instant now) {
        Map<String, CheckinStatus> next = new LinkedHashMap<>();
        tracked.forEach((name, t) -> next.put(name, t.status(now)));
        snapshot = Collections.unmodifiableMap(next);
    }

    /** Event data holds JSON values: an instant goes in as its ISO-8601 text, as the store gives it back. */
    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    /** 22m, 3h5m, 2d: minutes at most, a pager needs no seconds beyond the first minute. */
    static String human(Duration duration) {
        Duration d = duration.isNegative() ? Duration.ZERO : duration;
        return Durations.format(d.compareTo(Duration.ofMinutes(1)) < 0 ? d.truncatedTo(ChronoUnit.SECONDS)
                : d.truncatedTo(ChronoUnit.MINUTES));
    }

    /** One check-in: its spec, and its state as last saved; only touched under the tracker's lock. */
    private final class Tracked {
        CheckinSpec spec;
        Expected expected;
        CheckinRecord saved;

        Tracked(CheckinSpec spec, CheckinRecord saved) {
            use(spec);
            this.saved = saved;
        }

        void use(CheckinSpec newSpec) {
            this.spec = newSpec;
            this.expected = Expected.of(newSpec.schedule(), clock.getZone());
        }

        /** Writes first, then keeps: memory never runs ahead of the file. */
        void save(CheckinRecord next) {
            store.saveCheckin(next);
            saved = next;
        }

        /** Moves to late or down when a deadline has passed, saves, and returns the event; else null. */
        FleetEvent advance(Instant now) {
            CheckinRecord r = saved;
            boolean watched = r.state().equals(UP) || r.state().equals(LATE);
            if (!watched || r.anchor() == null) {
                return null;
            }
            Instant due = expected.next(r.anchor());
            if (due == null || !now.isAfter(due.plus(spec.grace()))) {
                return null;
            }
            Instant dueAfter = expected.next(due);
            boolean down = dueAfter != null && now.isAfter(dueAfter.plus(spec.grace()));
            if (!down && r.state().equals(LATE)) {
                return null;
            }
            Instant since = down ? dueAfter.plus(spec.grace()) : due.plus(spec.grace());
            save(new CheckinRecord(r.name(), down ? DOWN : LATE, since, r.anchor(), r.lastReport(), r.lastStatus(),
                    r.lastMessage()));
            Instant quietSince = r.lastReport() != null ? r.lastReport() : r.anchor();
            String silence = "no report for " + human(Duration.between(quietSince, now));
            String message = down
                    ? spec.name() + " is down: " + silence + "; it missed its runs due " + clockTime(due, now)
                            + " and " + clockTime(dueAfter, now) + " (grace " + human(spec.grace()) + ")"
                    : spec.name() + " is late: " + silence + "; its run due " + clockTime(due, now)
                            + " has not reported within its grace of " + human(spec.grace());
            return FleetEvent.of(down ? EventType.CHECKIN_DOWN : EventType.CHECKIN_LATE).at(now)
                    .machine(spec.machine()).subject(spec.name()).message(message)
                    .data("due_at", due.toString()).data("last_report", text(r.lastReport()))
                    .data("grace", human(spec.grace()))
                    .data("schedule", spec.schedule().source()).build();
        }

        /**
         * @return its status; {@code due_at} is when its next run is expected: counted from its last report (in the
         *         past once it is late), from now while it is new, none while paused
         */
        CheckinStatus status(Instant now) {
            CheckinRecord r = saved;
            Instant dueAt = switch (r.state()) {
                case PAUSED -> null;
                case NEW -> expected.next(now);
                default -> r.anchor() == null ? null : expected.next(r.anchor());
            };
            return new CheckinStatus(spec.name(), spec.machine(), r.state(), r.since(), r.lastReport(),
                    r.lastStatus(), r.lastMessage(), dueAt);
        }

        /** 10:15 today, or Mar 3 10:15 another day, in the controller's zone. */
        private String clockTime(Instant at, Instant now) {
            ZonedDateTime local = at.atZone(clock.getZone());
            boolean today = local.toLocalDate().equals(LocalDate.ofInstant(now, clock.getZone()));
            return local.format(DateTimeFormatter.ofPattern(today ? "HH:mm" : "MMM d HH:mm", Locale.ROOT));
        }
    }
}
