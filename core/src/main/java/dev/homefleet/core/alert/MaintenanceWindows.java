package dev.homefleet.core.alert;

import dev.homefleet.core.config.AlertsSpec.Day;
import dev.homefleet.core.config.AlertsSpec.Maintenance;
import dev.homefleet.core.config.WindowTimes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Which maintenance windows of {@code alerts.telegram.maintenance} are open at an instant, and for whom. A
 * recurring window starts on each of its days at {@code from} and ends at {@code to}, the next day when {@code to}
 * is not after {@code from}. The config was validated, so the times parse.
 */
public final class MaintenanceWindows {

    private final List<Maintenance> windows;
    private final ZoneId defaultZone;

    public MaintenanceWindows(List<Maintenance> windows, ZoneId defaultZone) {
        this.windows = List.copyOf(windows);
        this.defaultZone = defaultZone;
    }

    /**
     * The end of the window (the latest, if several) holding the alerts of {@code machine}/{@code service} at
     * {@code now}; empty when none does.
     */
    public Optional<Instant> heldUntil(String machine, String service, Instant now) {
        Instant end = null;
        for (Maintenance window : windows) {
            if (!applies(window, machine, service)) {
                continue;
            }
            Optional<Instant> until = openUntil(window, now);
            if (until.isPresent() && (end == null || until.get().isAfter(end))) {
                end = until.get();
            }
        }
        return Optional.ofNullable(end);
    }

    /** The window's end, if it is open at {@code now}. */
    Optional<Instant> openUntil(Maintenance window, Instant now) {
        ZoneId zone = WindowTimes.zone(window.timezone(), defaultZone);
        if (!window.recurring()) {
            Instant from = WindowTimes.dateTime(window.from(), zone);
            Instant until = WindowTimes.dateTime(window.until(), zone);
            return !now.isBefore(from) && now.isBefore(until) ? Optional.of(until) : Optional.empty();
        }
        LocalTime from = WindowTimes.timeOfDay(window.from());
        LocalTime to = WindowTimes.timeOfDay(window.to());
        LocalDate today = now.atZone(zone).toLocalDate();
        for (LocalDate start : List.of(today.minusDays(1), today)) {
            if (!window.days().contains(day(start))) {
                continue;
            }
            ZonedDateTime begins = start.atTime(from).atZone(zone);
            ZonedDateTime ends = (to.isAfter(from) ? start : start.plusDays(1)).atTime(to).atZone(zone);
            if (!now.isBefore(begins.toInstant()) && now.isBefore(ends.toInstant())) {
                return Optional.of(ends.toInstant());
            }
        }
        return Optional.empty();
    }

    /** A window with neither machines nor services holds the whole fleet. */
    static boolean applies(Maintenance window, String machine, String service) {
        if (window.machines().isEmpty() && window.services().isEmpty()) {
            return true;
        }
        if (machine != null && window.machines().contains(machine)) {
            return true;
        }
        return service != null && (window.services().contains(service)
                || machine != null && window.services().contains(machine + "/" + service));
    }

    private static Day day(LocalDate date) {
        return Day.values()[date.getDayOfWeek().getValue() - 1];
    }
}
