package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;

/**
 * A job that homefleet does not run but expects to hear from (a crontab line, a bot's cycle): it reports in on
 * its schedule, and is late once {@code grace} has passed without a report.
 */
public record CheckinSpec(
        @JsonIgnore @Name String name,
        @Required String machine,
        @Required Schedule schedule,
        Duration grace,
        String command,
        String log,
        String description) {

    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

    public CheckinSpec {
        grace = or(grace, DEFAULT_GRACE);
        description = or(description, "");
    }
}
