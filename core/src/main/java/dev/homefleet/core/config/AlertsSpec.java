package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.time.DayOfWeek;
import java.time.Duration;
import java.util.List;

public record AlertsSpec(Telegram telegram) {

    public enum Severity { INFO, WARNING, CRITICAL }

    /**
     * The event types an alert can have, as on the wire ({@code service.down}); {@code events} names some of them
     * (or {@code service.*}). The controller's event types are these (a controller test keeps them in step).
     */
    public static final List<String> EVENT_TYPES = List.of(
            "machine.up", "machine.down", "service.up", "service.down", "service.restarted", "service.gave-up",
            "port.conflict", "resource.warning", "orphan.found", "orphan.killed", "job.started", "job.finished",
            "job.failed", "job.report", "checkin.late", "checkin.down", "checkin.recovered", "config.applied",
            "config.rejected", "failover.suspect", "failover.takeover", "failover.recovering", "failover.yield",
            "failover.failed", "controller.started", "controller.stopped");

    /**
     * @param chatIds     the chats alerts go to and the bot answers in; nothing else is ever answered
     * @param adminIds    Telegram user ids allowed to act (restart) through the bot
     * @param events      the event types sent ({@code service.down}, {@code service.*}); empty sends every type
     * @param muted       services ({@code NAME} on any machine, or {@code MACHINE/NAME}) whose alerts are never sent
     * @param maintenance windows during which the alerts of some services (or all) are held
     * @param foldWindow  a problem that comes back this soon after its last message is folded into it, not re-sent
     * @param burstWindow how long the first alert waits for others, so a burst becomes one message; 0s sends at once
     * @param remindEvery how often an incident still open is recalled; null: never
     * @param timezone    how times in messages (and windows without their own) read; null: the machine's zone
     * @param apiUrl      the Bot API base URL; tests point it at a local server
     */
    public record Telegram(
            @Required Secret botToken,
            List<Long> chatIds,
            List<Long> adminIds,
            Severity minSeverity,
            List<String> events,
            List<String> muted,
            List<Maintenance> maintenance,
            Duration foldWindow,
            Duration burstWindow,
            Duration remindEvery,
            String timezone,
            String apiUrl) {

        public static final String DEFAULT_API_URL = "https://api.telegram.org";
        public static final Duration DEFAULT_FOLD_WINDOW = Duration.ofMinutes(10);
        public static final Duration DEFAULT_BURST_WINDOW = Duration.ofSeconds(30);

        public Telegram {
            chatIds = list(chatIds);
            adminIds = list(adminIds);
            minSeverity = or(minSeverity, Severity.WARNING);
            events = list(events);
            muted = list(muted);
            maintenance = list(maintenance);
            foldWindow = or(foldWindow, DEFAULT_FOLD_WINDOW);
            burstWindow = or(burstWindow, DEFAULT_BURST_WINDOW);
            apiUrl = or(apiUrl, DEFAULT_API_URL);
        }
    }

    /**
     * A time when alerts are expected and held back: one-off ({@code from} and {@code until}, dates and times) or
     * recurring ({@code days} with {@code from} and {@code to}, times of day; {@code to} before {@code from} runs
     * past midnight). An incident held by a window is sent when the window ends if it is still open, and never
     * if it ended inside the window.
     *
     * @param machines the machines whose alerts (their services' too) are held; with {@code services} empty as
     *                 well, the whole fleet's
     * @param services services as {@code NAME} (on any machine) or {@code MACHINE/NAME}
     * @param timezone the zone of {@code from}, {@code to} and {@code until} when they carry none
     */
    public record Maintenance(
            List<Day> days,
            String from,
            String to,
            String until,
            String timezone,
            List<String> machines,
            List<String> services,
            String reason) {

        public Maintenance {
            days = list(days);
            machines = list(machines);
            services = list(services);
        }

        public boolean recurring() {
            return !days.isEmpty();
        }
    }

    /** Days as people abbreviate them in a config file: {@code [sat, sun]}. */
    public enum Day {
        MON, TUE, WED, THU, FRI, SAT, SUN;

        public DayOfWeek dayOfWeek() {
            return DayOfWeek.of(ordinal() + 1);
        }
    }
}
