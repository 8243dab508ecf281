package dev.homefleet.controller.checkin;

import dev.homefleet.core.config.Schedule;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * When a check-in's job is expected to run next, from its schedule: an interval counts from the given instant, a
 * cron expression gives its next fire time in the controller's time zone (the zone the crontab runs in).
 */
final class Expected {

    private final Schedule schedule;
    private final CronExpression cron;

    private Expected(Schedule schedule, CronExpression cron) {
        this.schedule = schedule;
        this.cron = cron;
    }

    static Expected of(Schedule schedule, ZoneId zone) {
        if (schedule.isInterval()) {
            return new Expected(schedule, null);
        }
        try {
            CronExpression cron = new CronExpression(schedule.quartz());
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            return new Expected(schedule, cron);
        } catch (ParseException e) {
            // FleetConfigLoader has already parsed it with Quartz; this cannot happen to a loaded config.
            throw new IllegalArgumentException("'" + schedule + "' is not a valid cron expression: " + e.getMessage(),
                    e);
        }
    }

    /** The first expected run strictly after {@code after}, or null when the schedule never fires again. */
    Instant next(Instant after) {
        if (cron == null) {
            return after.plus(schedule.every());
        }
        Date next = cron.getNextValidTimeAfter(Date.from(after));
        return next == null ? null : next.toInstant();
    }
}
