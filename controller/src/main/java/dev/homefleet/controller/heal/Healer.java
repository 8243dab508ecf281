package dev.homefleet.controller.heal;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.heal.HealerReport.Deferred;
import dev.homefleet.controller.heal.HealerReport.Failed;
import dev.homefleet.controller.heal.HealerReport.GaveUp;
import dev.homefleet.controller.heal.HealerReport.LeftAlone;
import dev.homefleet.controller.heal.HealerReport.Restarted;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.JobsSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts services that are down, within limits, so a crash at night is fixed before anyone looks while a service
 * that dies at every start is not restarted forever. One run takes the services the checks found down, in their
 * order, and for each one:
 *
 * <ol>
 *   <li>given up on earlier: left alone;</li>
 *   <li>its {@link RestartBudget} spent: given up on ({@code service.gave-up}, critical, once);</li>
 *   <li>this run's {@code maxRestartsPerRun} restarts used: deferred to the next run;</li>
 *   <li>else restarted through its manager, counted in the budget (a restart that fails counts too), checked until
 *       it answers or {@code verifyWithin} passes, and reported as {@code service.restarted}. When that was the last
 *       restart the budget allows and it is still down, the healer gives up on it at once rather than at the next
 *       run, where the oldest restart may just have left the window.</li>
 * </ol>
 *
 * <p>Runs are serialized ({@link #heal} is synchronized); the daemon's job does not run two at once anyway.
 */
public final class Healer {
    private static final Logger log = LoggerFactory.getLogger(Healer.class);

    /** How long a restarted service has to answer its check. */
    public static final Duration DEFAULT_VERIFY_WITHIN = Duration.ofSeconds(30);
    /** The pause between two checks of a restarted service. */
    public static final Duration DEFAULT_VERIFY_EVERY = Duration.ofSeconds(1);
    /** The command the gave-up alert tells a person to run once the service is fixed. */
    static final String MANUAL_RESTART = "fleet restart %s";
    /** An error longer than this is cut in an event's message; the event's data keeps all of it. */
    static final int MAX_MESSAGE_ERROR = 400;

    /** Restarts one service through its manager (launchd, pm2, a Windows service, a plain process). */
    @FunctionalInterface
    public interface Restarter {
        /** @throws Exception when the manager refused or failed; its message says what the manager said */
        void restart(String machine, String service) throws Exception;
    }

    /** Checks once whether a service answers, the way its fleet.yaml check says (http, tcp, command, manager). */
    @FunctionalInterface
    public interface Verifier {
        /**
         * @param timeout how long this one check may take
         * @throws Exception when the check itself could not run; the healer counts that as not up
         */
        boolean isUp(String machine, String service, Duration timeout) throws Exception;
    }

    private final RestartBudget budget;
    private final int maxRestartsPerRun;
    private final Restarter restarter;
    private final Verifier verifier;
    private final EventBus events;
    private final Duration verifyWithin;
    private final Duration verifyEvery;
    /** The last thing that went wrong per service, for the gave-up alert. */
    private final Map<String, String> lastError = new HashMap<>();

    /**
     * @param maxRestartsPerRun restarts per run across all services; 0 only gives up and defers
     * @param verifyWithin      how long a restarted service has to answer
     * @param verifyEvery       the pause between two checks while it does not
     */
    public Healer(RestartBudget budget, int maxRestartsPerRun, Restarter restarter, Verifier verifier,
            EventBus events, Duration verifyWithin, Duration verifyEvery) {
        if (maxRestartsPerRun < 0) {
            throw new IllegalArgumentException("jobs.healer.max_restarts_per_run must be 0 or more, was "
                    + maxRestartsPerRun);
        }
        this.budget = Objects.requireNonNull(budget, "budget");
        this.maxRestartsPerRun = maxRestartsPerRun;
        this.restarter = Objects.requireNonNull(restarter, "restarter");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.events = Objects.requireNonNull(events, "events");
        this.verifyWithin = positive("verifyWithin", verifyWithin);
        this.verifyEvery = positive("verifyEvery", verifyEvery);
    }

    /** A healer with fleet.yaml's {@code jobs.healer} limit and the default verification. */
    public static Healer of(JobsSpec.Healer spec, RestartBudget budget, Restarter restarter, Verifier verifier,
            EventBus events) {
        return new Healer(budget, spec.maxRestartsPerRun(), restarter, verifier, events, DEFAULT_VERIFY_WITHIN,
                DEFAULT_VERIFY_EVERY);
    }

    public RestartBudget budget() {
        return budget;
    }

    /**
     * One run over the services found down, in their order (a service given twice is handled once).
     *
     * @param now the run's time: restarts are counted at it and the events carry it
     */
    public synchronized HealerReport heal(List<DownService> down, Instant now) {
        Map<String, DownService> unique = new LinkedHashMap<>();
        down.forEach(service -> unique.putIfAbsent(service.key(), service));

        List<Restarted> restarted = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        List<GaveUp> gaveUp = new ArrayList<>();
        List<Deferred> deferred = new ArrayList<>();
        List<LeftAlone> leftAlone = new ArrayList<>();
        int restarts = 0;

        for (DownService service : unique.values()) {
            String key = service.key();
            if (budget.gaveUp(key)) {
                leftAlone.add(new LeftAlone(service.machine(), service.service(), budget.gaveUpAt(key).orElse(now)));
            } else if (!budget.allows(key, now)) {
                gaveUp.add(giveUp(service, now));
            } else if (Thread.currentThread().isInterrupted()) {
                deferred.add(new Deferred(service.machine(), service.service(),
                        "deferred to the next run: the healer was stopped"));
            } else if (restarts >= maxRestartsPerRun) {
                deferred.add(new Deferred(service.machine(), service.service(), "deferred to the next run: "
                        + maxRestartsPerRun + " restarts per run (jobs.healer.max_restarts_per_run)"));
            } else {
                restarts++;
                boolean up = restart(service, now, restarted, failed);
                if (!up && !budget.allows(key, now)) {
                    gaveUp.add(giveUp(service, now));
                }
            }
        }
        return new HealerReport(now, restarted, failed, gaveUp, deferred, leftAlone);
    }

    /** Restarts, counts, verifies and publishes; true when it answered afterwards. */
    private boolean restart(DownService service, Instant now, List<Restarted> restarted, List<Failed> failed) {
        String key = service.key();
        String error = null;
        try {
            restarter.restart(service.machine(), service.service());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "the restart was interrupted: the healer was stopped";
        } catch (IOException e) {
            error = message(e);
        } catch (Exception e) {
            log.warn("restarting {} failed unexpectedly (a bug in how the daemon restarts it): {}", key, e.toString());
            error = message(e);
        }
        budget.recordRestart(key, now);
        int attempt = budget.used(key, now);
        String of = " (restart " + attempt + " of " + budget.budget() + " in " + Durations.format(budget.window())
                + ")";

        FleetEvent.Builder event = FleetEvent.of(EventType.SERVICE_RESTARTED).at(now)
                .service(service.machine(), service.service())
                .data("attempt", attempt)
                .data("budget", budget.budget())
                .data("window", Durations.format(budget.window()));
        boolean up = false;
        if (error != null) {
            lastError.put(key, error);
            failed.add(new Failed(service.machine(), service.service(), attempt, error));
            event.message("the healer could not restart " + key + of + ": " + oneLine(error))
                    .data("verified", false)
                    .data("error", error);
        } else {
            Verification verification = verify(service);
            up = verification.up();
            if (up) {
                lastError.remove(key);
            } else {
                lastError.put(key, verification.detail());
            }
            restarted.add(new Restarted(service.machine(), service.service(), attempt, up, verification.detail()));
            event.message(up ? key + " was down; the healer restarted it" + of + " and it is up again"
                            : key + " was down; the healer restarted it" + of + " but it is still down: "
                                    + verification.detail())
                    .data("verified", up)
                    .data("detail", verification.detail());
        }
        publish(event.build());
        return up;
    }

    private record Verification(boolean up, String detail) {}

    /** Checks until the service answers or {@link #verifyWithin} passes; at least once. */
    private Verification verify(DownService service) {
        long start = System.nanoTime();
        long deadline = start + verifyWithin.toNanos();
        String problem = null;
        while (true) {
            long remaining = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
            try {
                if (verifier.isUp(service.machine(), service.service(), Duration.ofNanos(remaining))) {
                    return new Verification(true, "up " + seconds(System.nanoTime() - start) + " after the restart");
                }
                problem = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Verification(false, "not checked: the healer was stopped");
            } catch (Exception e) {
                problem = message(e);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, verifyEvery.toNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Verification(false, "not checked: the healer was stopped");
            }
        }
        return new Verification(false, "it did not answer its check within " + Durations.format(verifyWithin)
                + (problem == null ? "" : " (the check failed: " + problem + ")"));
    }

    private GaveUp giveUp(DownService service, Instant now) {
        String key = service.key();
        int restarts = budget.used(key, now);
        String error = lastError.getOrDefault(key,
                service.detail() != null ? service.detail() : "none recorded since the controller started");
        budget.markGaveUp(key, now);
        publish(FleetEvent.of(EventType.SERVICE_GAVE_UP).at(now)
                .service(service.machine(), service.service())
                .message(key + " restarted " + restarts + " times in " + Durations.format(budget.window())
                        + " and is still down; the healer leaves it alone until it stays up; restart it by hand ("
                        + String.format(MANUAL_RESTART, key) + ") once fixed")
                .data("restarts", restarts)
                .data("budget", budget.budget())
                .data("window", Durations.format(budget.window()))
                .data("restartedAt", budget.restarts(key, now).stream().map(Instant::toString).toList())
                .data("lastError", error)
                .build());
        return new GaveUp(service.machine(), service.service(), restarts, error);
    }

    /** The run goes on when the event cannot be recorded: what the healer did is in its report all the same. */
    private void publish(FleetEvent event) {
        try {
            events.publish(event);
        } catch (RuntimeException e) {
            log.warn("the healer could not publish {} for {}: {}", event.type(), event.target(), e.toString());
        }
    }

    private static String message(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.strip();
    }

    /** A multi-line error (a manager's message with the end of the log) as one line for an alert, bounded. */
    static String oneLine(String text) {
        StringBuilder line = new StringBuilder();
        for (String part : text.strip().split("\\R")) {
            String stripped = part.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (line.length() > 0) {
                line.append(line.charAt(line.length() - 1) == ':' ? " " : " / ");
            }
            line.append(stripped);
        }
        return line.length() <= MAX_MESSAGE_ERROR ? line.toString()
                : line.substring(0, MAX_MESSAGE_ERROR - 1) + "\u2026";
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static Duration positive(String what, Duration duration) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        return duration;
    }
}
