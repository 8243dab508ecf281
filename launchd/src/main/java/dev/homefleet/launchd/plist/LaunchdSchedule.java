package dev.homefleet.launchd.plist;

import dev.homefleet.core.config.Schedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A fleet.yaml schedule as launchd says it: {@code @every} becomes StartInterval (seconds), a cron line
 * StartCalendarInterval. launchd has no ranges, lists or steps, so {@code 0 *&#47;2 * * *} becomes twelve entries
 * (one per hour); a field that covers its whole range is left out, which is launchd's wildcard.
 *
 * @param startInterval     seconds between starts, or null
 * @param calendarIntervals the StartCalendarInterval entries, empty for an interval
 */
public record LaunchdSchedule(Integer startInterval, List<CalendarInterval> calendarIntervals) {

    /** More entries than this is a schedule launchd should not be asked to keep; say so instead. */
    static final int MAX_ENTRIES = 500;

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
        "NOV", "DEC"};
    private static final String[] WEEKDAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    public LaunchdSchedule {
        calendarIntervals = List.copyOf(calendarIntervals);
    }

    /** @throws IllegalArgumentException naming the schedule and what launchd cannot express */
    public static LaunchdSchedule of(Schedule schedule) {
        if (schedule.isInterval()) {
            Duration every = schedule.every();
            if (every.getNano() != 0) {
                throw new IllegalArgumentException("'" + schedule.source() + "' is not a whole number of seconds; "
                        + "launchd's StartInterval counts seconds");
            }
            if (every.getSeconds() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("'" + schedule.source() + "' is longer than launchd's "
                        + "StartInterval can say (" + Integer.MAX_VALUE + " s)");
            }
            return new LaunchdSchedule((int) every.getSeconds(), List.of());
        }
        return new LaunchdSchedule(null, calendar(schedule.source(), schedule.quartz()));
    }

    /** Quartz fields: second minute hour day-of-month month day-of-week [year]; day-of-week 1 is Sunday. */
    private static List<CalendarInterval> calendar(String source, String quartz) {
        String[] f = quartz.trim().split("\\s+");
        TreeSet<Integer> seconds = field(source, "second", f[0], 0, 59, null);
        if (seconds == null || !seconds.equals(new TreeSet<>(List.of(0)))) {
            throw new IllegalArgumentException("'" + source + "' fires within the minute; launchd's "
                    + "StartCalendarInterval starts jobs on whole minutes (use @every for shorter intervals)");
        }
        if (f.length == 7 && !f[6].equals("*")) {
            throw new IllegalArgumentException("'" + source + "' names a year; launchd's StartCalendarInterval has none");
        }
        TreeSet<Integer> minutes = field(source, "minute", f[1], 0, 59, null);
        TreeSet<Integer> hours = field(source, "hour", f[2], 0, 23, null);
        TreeSet<Integer> days = field(source, "day-of-month", f[3], 1, 31, null);
        TreeSet<Integer> months = field(source, "month", f[4], 1, 12, MONTHS);
        TreeSet<Integer> quartzWeekdays = field(source, "day-of-week", f[5], 1, 7, WEEKDAYS);
        TreeSet<Integer> weekdays = null;
        if (quartzWeekdays != null) {
            weekdays = new TreeSet<>();
            for (int day : quartzWeekdays) {
                weekdays.add(day - 1); // launchd: 0 is Sunday
            }
        }
        long count = size(months) * size(days) * size(weekdays) * size(hours) * size(minutes);
        if (count > MAX_ENTRIES) {
            throw new IllegalArgumentException("'" + source + "' becomes " + count + " StartCalendarInterval entries "
                    + "(launchd has no ranges or steps); the limit is " + MAX_ENTRIES + ", so use @every or a simpler "
                    + "schedule");
        }
        List<CalendarInterval> entries = new ArrayList<>();
        for (Integer month : each(months)) {
            for (Integer day : each(days)) {
                for (Integer weekday : each(weekdays)) {
                    for (Integer hour : each(hours)) {
                        for (Integer minute : each(minutes)) {
                            entries.add(new CalendarInterval(minute, hour, day, weekday, month));
                        }
                    }
                }
            }
        }
        return entries;
    }

    private static long size(TreeSet<Integer> values) {
        return values == null ? 1 : values.size();
    }

    private static List<Integer> each(TreeSet<Integer> values) {
        List<Integer> out = new ArrayList<>();
        if (values == null) {
            out.add(null);
        } else {
            out.addAll(values);
        }
        return out;
    }

    /** The values a field selects, or null for every value (launchd's wildcard: the key left out). */
    private static TreeSet<Integer> field(String source, String name, String text, int min, int max, String[] names) {
        TreeSet<Integer> values = new TreeSet<>();
        for (String part : text.toUpperCase(Locale.ROOT).split(",")) {
            if (part.equals("*") || part.equals("?")) {
                return null;
            }
            if (part.matches(".*[LW#C].*") && !matchesName(part, names)) {
                throw new IllegalArgumentException("'" + source + "' uses '" + part + "' in the " + name
                        + " field; launchd's StartCalendarInterval has no last-day, weekday-nearest or nth-weekday "
                        + "entries");
            }
            int slash = part.indexOf('/');
            String base = slash >= 0 ? part.substring(0, slash) : part;
            int step = slash >= 0 ? Integer.parseInt(part.substring(slash + 1)) : 1;
            int from;
            int to;
            if (base.equals("*")) {
                from = min;
                to = max;
            } else if (base.contains("-")) {
                from = value(source, name, base.substring(0, base.indexOf('-')), min, max, names);
                to = value(source, name, base.substring(base.indexOf('-') + 1), min, max, names);
            } else {
                from = value(source, name, base, min, max, names);
                to = slash >= 0 ? max : from;
            }
            // Quartz lets a range wrap past the end (FRI-MON, 22-2): walk it around.
            int span = to >= from ? to - from : to - from + (max - min + 1);
            for (int i = 0; i <= span; i += step) {
                int v = from + i;
                values.add(v > max ? v - (max - min + 1) : v);
            }
        }
        return values.size() == max - min + 1 ? null : values;
    }

    private static boolean matchesName(String part, String[] names) {
        if (names == null) {
            return false;
        }
        for (String token : part.split("[-/]")) {
            if (!token.matches("\\d+") && java.util.Arrays.asList(names).indexOf(token) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int value(String source, String name, String text, int min, int max, String[] names) {
        if (names != null) {
            int index = java.util.Arrays.asList(names).indexOf(text);
            if (index >= 0) {
                return min + index;
            }
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("'" + source + "' has '" + text + "' in the " + name + " field, which "
                + "launchd cannot take");
    }
}
