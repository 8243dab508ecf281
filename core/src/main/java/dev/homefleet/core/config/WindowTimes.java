package dev.homefleet.core.config;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The times a maintenance window is written in: {@code 02:00} (a time of day), {@code 2025-06-01T22:00} or
 * {@code 2025-06-01 22:00} (in the window's zone), {@code 2025-06-01T22:00:00Z} or {@code ...+01:00} (absolute),
 * and zones such as {@code Europe/Lisbon}. One parser for the validator and the notifier, so what validates is
 * what runs.
 */
public final class WindowTimes {

    private static final Pattern TIME_OF_DAY = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");

    private WindowTimes() {}

    /** @throws IllegalArgumentException unless the text is HH:MM */
    public static LocalTime timeOfDay(String text) {
        String value = text.strip();
        if (!TIME_OF_DAY.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time of day; write HH:MM, e.g. 02:00");
        }
        return LocalTime.parse(value);
    }

    /** @throws IllegalArgumentException unless the text is a date and time, with an offset or read in {@code zone} */
    public static Instant dateTime(String text, ZoneId zone) {
        String value = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // no offset: a local date and time in the window's zone
        }
        try {
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date and time; write e.g. 2025-06-01 22:00 "
                    + "(in the window's timezone) or 2025-06-01T22:00:00Z");
        }
    }

    /** The zone named, or {@code fallback} when the text is null. */
    public static ZoneId zone(String text, ZoneId fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time zone; use a region name such as "
                    + "Europe/Lisbon or America/New_York, or UTC");
        }
    }
}
