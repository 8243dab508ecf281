package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quartz.CronExpression;

/**
 * When a job runs. Written as a 5-field crontab line ({@code *&#47;15 * * * *}), a Quartz cron expression
 * (6 or 7 fields, seconds first), {@code @every 15m}, or {@code @hourly} / {@code @daily} / {@code @weekly} /
 * {@code @monthly}. Crontab lines are translated to Quartz and every cron form is checked by Quartz's own parser.
 *
 * @param source the text as written
 * @param quartz the Quartz cron expression, or null for an interval
 * @param every  the interval, or null for a cron expression
 */
public record Schedule(String source, String quartz, Duration every) {

    public static Schedule parse(String text) {
        String source = text.strip();
        if (source.isEmpty()) {
            throw new IllegalArgumentException("a schedule is empty; write a crontab line such as '*/15 * * * *' or '@every 15m'");
        }
        if (source.toLowerCase(Locale.ROOT).startsWith("@every")) {
            String rest = source.substring("@every".length()).strip();
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("'@every' needs an interval, e.g. '@every 15m'");
            }
            Duration every = Durations.parse(rest);
            if (every.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("'" + source + "' is shorter than 1s; use 1s or more");
            }
            return new Schedule(source, null, every);
        }
        if (source.startsWith("@")) {
            String crontab = switch (source.toLowerCase(Locale.ROOT)) {
                case "@hourly" -> "0 * * * *";
                case "@daily", "@midnight" -> "0 0 * * *";
                case "@weekly" -> "0 0 * * 0";
                case "@monthly" -> "0 0 1 * *";
                case "@yearly", "@annually" -> "0 0 1 1 *";
                default -> throw new IllegalArgumentException("'" + source
                        + "' is not a schedule; use @every DURATION, @hourly, @daily, @weekly, @monthly or a crontab line");
            };
            return new Schedule(source, fromCrontab(crontab), null);
        }
        String[] fields = source.split("\\s+");
        String quartz = switch (fields.length) {
            case 5 -> fromCrontab(source);
            case 6, 7 -> source;
            default -> throw new IllegalArgumentException("'" + source + "' has " + fields.length
                    + " fields; a crontab line has 5 (minute hour day-of-month month day-of-week), "
                    + "a Quartz expression 6 or 7");
        };
        try {
            CronExpression cron = new CronExpression(quartz);
            if (cron.getNextValidTimeAfter(new java.util.Date()) == null) {
                throw new IllegalArgumentException("'" + source + "' never fires (no such date comes again); "
                        + "check the day and month fields");
            }
        } catch (ParseException e) {
            String where = fields.length == 5 ? " (as Quartz: '" + quartz + "')" : "";
            throw new IllegalArgumentException("'" + source + "' is not a valid cron expression" + where + ": "
                    + e.getMessage().strip());
        }
        return new Schedule(source, quartz, null);
    }

    public boolean isInterval() {
        return every != null;
    }

    @JsonValue
    @Override
    public String toString() {
        return source;
    }

    /**
     * Crontab to Quartz: prepend seconds, and since Quartz wants {@code ?} in one of the two day fields and counts
     * weekdays 1 (Sunday) to 7 where crontab counts 0 (Sunday) to 7 (Sunday again), shift the weekday numbers.
     */
    static String fromCrontab(String line) {
        String[] f = line.strip().split("\\s+");
        String minute = f[0], hour = f[1], dayOfMonth = f[2], month = f[3], dayOfWeek = f[4];
        checkField("minute", minute, 0, 59);
        checkField("hour", hour, 0, 23);
        checkField("day-of-month", dayOfMonth, 1, 31);
        checkField("month", month, 1, 12);
        checkField("day-of-week", dayOfWeek, 0, 7);
        boolean anyDay = dayOfMonth.equals("*") || dayOfMonth.equals("?");
        boolean anyWeekday = dayOfWeek.equals("*") || dayOfWeek.equals("?");
        if (!anyDay && !anyWeekday) {
            throw new IllegalArgumentException("'" + line + "' sets both day-of-month and day-of-week, which crontab "
                    + "reads as 'either'; Quartz cannot express that, so split it into two schedules");
        }
        String quartzDayOfMonth = anyWeekday ? (anyDay ? "*" : dayOfMonth) : "?";
        String quartzDayOfWeek = anyWeekday ? "?" : shiftWeekdays(dayOfWeek);
        return "0 " + minute + " " + hour + " " + quartzDayOfMonth + " " + month + " " + quartzDayOfWeek;
    }

    /** Reject numbers crontab itself would reject, naming the field (Quartz's own messages do not say which). */
    private static void checkField(String name, String field, int min, int max) {
        for (String part : field.split(",", -1)) {
            int slash = part.indexOf('/');
            String base = slash >= 0 ? part.substring(0, slash) : part;
            if (slash >= 0 && (!isNumber(part.substring(slash + 1)) || Long.parseLong(part.substring(slash + 1)) == 0)) {
                throw new IllegalArgumentException("'" + field + "' has a bad step in the " + name
                        + " field; write */N or FROM-TO/N with a whole number N");
            }
            String[] ends = base.split("-", -1);
            if (ends.length == 2 && isNumber(ends[0]) && isNumber(ends[1])
                    && Long.parseLong(ends[0]) > Long.parseLong(ends[1])) {
                throw new IllegalArgumentException("'" + base + "' in the " + name
                        + " field runs backwards; write the lower number first");
            }
            for (String end : ends) {
                if (isNumber(end)) {
                    long value = end.length() > 9 ? Long.MAX_VALUE : Long.parseLong(end);
                    if (value < min || value > max) {
                        throw new IllegalArgumentException("'" + field + "' is out of range for the " + name
                                + " field; use " + min + " to " + max);
                    }
                }
            }
        }
    }

    /**
     * Crontab weekdays (0-7, 0 and 7 both Sunday) to Quartz's (1-7, 1 Sunday). Numeric fields are expanded to the
     * days they select and written back as a list, so ranges and steps that wrap past Sunday stay exact.
     */
    private static String shiftWeekdays(String field) {
        if (!field.matches("[0-9*,/-]+")) {
            if (field.matches(".*\\d.*") && !field.matches("[^/]*/\\d+")) {
                throw new IllegalArgumentException("'" + field + "' mixes weekday names and numbers; write the "
                        + "day-of-week field with one or the other");
            }
            return field; // names (MON-FRI) mean the same in both
        }
        java.util.TreeSet<Integer> days = new java.util.TreeSet<>();
        for (String part : field.split(",")) {
            int slash = part.indexOf('/');
            int step = slash >= 0 ? Integer.parseInt(part.substring(slash + 1)) : 1;
            String base = slash >= 0 ? part.substring(0, slash) : part;
            int from;
            int to;
            if (base.equals("*")) {
                from = 0;
                to = 6;
            } else if (base.contains("-")) {
                from = Integer.parseInt(base.substring(0, base.indexOf('-')));
                to = Integer.parseInt(base.substring(base.indexOf('-') + 1));
            } else {
                from = Integer.parseInt(base);
                to = slash >= 0 ? 7 : from;
            }
            for (int day = from; day <= to; day += step) {
                days.add(day % 7 + 1);
            }
        }
        return String.join(",", days.stream().map(String::valueOf).toList());
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }
}
