package dev.homefleet.controller.heal;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.JobsSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How many times the healer may still restart each service. A service that keeps dying is not fixed by restarting
 * it forever: each service ({@code "machine/service"}) gets {@code budget} restarts within a sliding
 * {@code window}; once they are spent and it is still down the healer gives up on it and leaves it alone until it
 * has stayed up for {@code rise} checks in a row ({@link #stayedUp}), which clears both its window and the mark.
 *
 * <p>A restart counts while it is at most {@code window} old. All methods are synchronized: the healer records
 * restarts while the checks job reports services that stayed up. The state is small and exportable
 * ({@link #export}, {@link #restore}) so the daemon can persist it, and it can be rebuilt from the event history
 * ({@link #fromHistory}).
 */
public final class RestartBudget {

    static final String RESTARTS = "restarts";
    static final String GAVE_UP_AT = "gaveUpAt";

    private final int budget;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Deque<Instant>> restarts = new HashMap<>();
    private final Map<String, Instant> gaveUp = new HashMap<>();

    /**
     * @param budget restarts of one service allowed within {@code window}; 1 or more
     * @param window the sliding window the budget counts in; positive
     * @param clock  the time of {@link #markGaveUp(String)} when no instant is given
     */
    public RestartBudget(int budget, Duration window, Clock clock) {
        if (budget < 1) {
            throw new IllegalArgumentException("jobs.healer.restart_budget must be 1 or more, was " + budget);
        }
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("jobs.healer.budget_window must be longer than 0s, was "
                    + Durations.format(window));
        }
        this.budget = budget;
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The budget fleet.yaml's {@code jobs.healer} describes, nothing spent. */
    public static RestartBudget of(JobsSpec.Healer spec, Clock clock) {
        return new RestartBudget(spec.restartBudget(), spec.budgetWindow(), clock);
    }

    /** The key a service is counted under: {@code "macmini/aphos-server-dev"}. */
    public static String key(String machine, String service) {
        return machine + "/" + service;
    }

    public int budget() {
        return budget;
    }

    public Duration window() {
        return window;
    }

    /** Whether one more restart fits in the window at {@code now}. A gave-up mark does not enter into it. */
    public synchronized boolean allows(String key, Instant now) {
        return used(key, now) < budget;
    }

    public synchronized void recordRestart(String key, Instant now) {
        Objects.requireNonNull(now, "now");
        Deque<Instant> times = restarts.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (times.isEmpty() || !now.isBefore(times.peekLast())) {
            times.addLast(now);
        } else {
            List<Instant> sorted = new ArrayList<>(times);
            sorted.add(now);
            sorted.sort(Comparator.naturalOrder());
            times.clear();
            times.addAll(sorted);
        }
        Instant oldest = times.peekLast().minus(window);
        while (times.peekFirst().isBefore(oldest)) {
            times.removeFirst();
        }
    }

    /** The restarts of {@code key} at most {@link #window()} before {@code now}. */
    public synchronized int used(String key, Instant now) {
        return inWindow(key, now).size();
    }

    /** The restarts counted at {@code now}, oldest first. */
    public synchronized List<Instant> restarts(String key, Instant now) {
        return List.copyOf(inWindow(key, now));
    }

    /** The last restart still in the window at {@code now}. */
    public synchronized Optional<Instant> lastRestart(String key, Instant now) {
        Deque<Instant> times = inWindow(key, now);
        return times.isEmpty() ? Optional.empty() : Optional.of(times.peekLast());
    }

    public synchronized boolean gaveUp(String key) {
        return gaveUp.containsKey(key);
    }

    /** When the healer gave up on {@code key}, if it has. */
    public synchronized Optional<Instant> gaveUpAt(String key) {
        return Optional.ofNullable(gaveUp.get(key));
    }

    /** Gives up on {@code key} now, by the clock. */
    public synchronized void markGaveUp(String key) {
        markGaveUp(key, clock.instant());
    }

    /** Gives up on {@code key} as of {@code at}; an earlier mark stays as it was. */
    public synchronized void markGaveUp(String key, Instant at) {
        gaveUp.putIfAbsent(key, Objects.requireNonNull(at, "at"));
    }

    /** The service has been up for {@code rise} checks in a row: its window and any gave-up mark are cleared. */
    public synchronized void stayedUp(String key) {
        restarts.remove(key);
        gaveUp.remove(key);
    }

    /**
     * For the event bus: a {@code service.up} (raised once a service passed {@code rise} checks in a row) counts as
     * {@link #stayedUp}; every other event is ignored, the healer records its own restarts.
     * {@code bus.subscribe("restart budget", budget::onEvent)}.
     */
    public void onEvent(FleetEvent event) {
        if (event.type() == EventType.SERVICE_UP) {
            replay(event);
        }
    }

    /**
     * Replays one past event: {@code service.restarted} counts a restart at its time, {@code service.gave-up} marks
     * the service, {@code service.up} (raised after {@code rise} good checks) counts as {@link #stayedUp}. Events of
     * other types, or without a machine and service, change nothing.
     */
    public synchronized void replay(FleetEvent event) {
        if (event.machine() == null || event.service() == null) {
            return;
        }
        String key = key(event.machine(), event.service());
        switch (event.type()) {
            case SERVICE_RESTARTED -> recordRestart(key, event.ts());
            case SERVICE_GAVE_UP -> markGaveUp(key, event.ts());
            case SERVICE_UP -> stayedUp(key);
            default -> {
                // not about restarts
            }
        }
    }

    /**
     * The budget a controller had before it restarted, rebuilt from the stored events: its
     * {@code service.restarted} and {@code service.gave-up} events, and the {@code service.up} events that cleared
     * them (see {@link #replay}). They are replayed oldest first whatever their order in the list.
     */
    public static RestartBudget fromHistory(List<FleetEvent> events, int budget, Duration window, Clock clock) {
        RestartBudget rebuilt = new RestartBudget(budget, window, clock);
        events.stream()
                .filter(e -> e.type() == EventType.SERVICE_RESTARTED || e.type() == EventType.SERVICE_GAVE_UP
                        || e.type() == EventType.SERVICE_UP)
                .sorted(Comparator.comparing(FleetEvent::ts).thenComparingLong(FleetEvent::id))
                .forEach(rebuilt::replay);
        return rebuilt;
    }

    /**
     * Everything that still matters at {@code now}, JSON-friendly: {@code {"macmini/x": {"restarts":
     * ["2025-01-01T10:00:00Z", ...], "gaveUpAt": "2025-01-01T14:00:00Z"}}}; services with nothing left are left out.
     */
    public synchronized Map<String, Map<String, Object>> export(Instant now) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(restarts.keySet());
        gaveUp.keySet().stream().filter(k -> !restarts.containsKey(k)).forEach(keys::add);
        keys.sort(Comparator.naturalOrder());
        for (String key : keys) {
            List<String> times = inWindow(key, now).stream().map(Instant::toString).toList();
            Instant mark = gaveUp.get(key);
            if (times.isEmpty() && mark == null) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(RESTARTS, times);
            if (mark != null) {
                entry.put(GAVE_UP_AT, mark.toString());
            }
            out.put(key, entry);
        }
        return out;
    }

    /**
     * A budget with what {@link #export} gave, under the limits in force now (they may have changed since).
     *
     * @throws IllegalArgumentException naming the service and the value that cannot be read
     */
    public static RestartBudget restore(Map<String, ? extends Map<String, ?>> saved, int budget, Duration window,
            Clock clock) {
        RestartBudget restored = new RestartBudget(budget, window, clock);
        saved.forEach((key, entry) -> {
            Object times = entry.get(RESTARTS);
            if (times != null && !(times instanceof List<?>)) {
                throw new IllegalArgumentException("saved restart budget of " + key + ": " + RESTARTS
                        + " must be a list of instants, was " + times);
            }
            if (times != null) {
                for (Object time : (List<?>) times) {
                    restored.recordRestart(key, instant(key, RESTARTS, time));
                }
            }
            Object mark = entry.get(GAVE_UP_AT);
            if (mark != null) {
                restored.markGaveUp(key, instant(key, GAVE_UP_AT, mark));
            }
        });
        return restored;
    }

    /**
     * {@code status} as the budget sees it: GAVE_UP instead of down while the healer has given up on it, and the
     * restarts in the window with the last one, for the dashboard and {@code fleet status}.
     */
    public synchronized ServiceStatus applyTo(ServiceStatus status, Instant now) {
        String key = key(status.machine(), status.name());
        Health health = gaveUp(key) && status.health() != Health.UP ? Health.GAVE_UP : status.health();
        return new ServiceStatus(status.machine(), status.name(), health, status.since(), status.lastCheck(),
                status.detail(), status.latencyMillis(), status.failures(), status.successes(), used(key, now),
                lastRestart(key, now).orElse(null));
    }

    /** Pure: restarts older than the window are dropped only when a newer one is recorded. */
    private Deque<Instant> inWindow(String key, Instant now) {
        ArrayDeque<Instant> counted = new ArrayDeque<>();
        Instant oldest = now.minus(window);
        for (Instant time : restarts.getOrDefault(key, new ArrayDeque<>())) {
            if (!time.isBefore(oldest) && !time.isAfter(now)) {
                counted.addLast(time);
            }
        }
        return counted;
    }

    private static Instant instant(String key, String field, Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("saved restart budget of " + key + ": " + field + " holds '" + value
                    + "', which is not an instant like 2025-01-01T10:00:00Z");
        }
    }
}
