package dev.homefleet.launchd.plist;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;

/**
 * One StartCalendarInterval entry: launchd starts the job when every field that is set matches, like a crontab line
 * with single numbers only (launchd has no ranges, lists or steps: those become several entries). A field left null
 * is a wildcard. Weekday 0 and 7 are both Sunday.
 */
public record CalendarInterval(Integer minute, Integer hour, Integer day, Integer weekday, Integer month) {

    public CalendarInterval {
        check("Minute", minute, 0, 59);
        check("Hour", hour, 0, 23);
        check("Day", day, 1, 31);
        check("Weekday", weekday, 0, 7);
        check("Month", month, 1, 12);
    }

    private static void check(String key, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException("StartCalendarInterval " + key + " is " + value + "; use " + min
                    + " to " + max);
        }
    }

    NSDictionary toPlist() {
        NSDictionary dict = new NSDictionary();
        put(dict, "Minute", minute);
        put(dict, "Hour", hour);
        put(dict, "Day", day);
        put(dict, "Weekday", weekday);
        put(dict, "Month", month);
        return dict;
    }

    private static void put(NSDictionary dict, String key, Integer value) {
        if (value != null) {
            dict.put(key, new NSNumber(value));
        }
    }

    static CalendarInterval fromPlist(NSObject value, String source) throws PlistException {
        if (!(value instanceof NSDictionary dict)) {
            throw new PlistException(source + ": a StartCalendarInterval entry is " + LaunchdJob.describe(value)
                    + ", expected a dictionary");
        }
        for (String key : dict.keySet()) {
            if (!java.util.Set.of("Minute", "Hour", "Day", "Weekday", "Month").contains(key)) {
                throw new PlistException(source + ": StartCalendarInterval has the key " + key
                        + "; launchd knows Minute, Hour, Day, Weekday and Month");
            }
        }
        try {
            return new CalendarInterval(field(dict, "Minute", source), field(dict, "Hour", source),
                    field(dict, "Day", source), field(dict, "Weekday", source), field(dict, "Month", source));
        } catch (IllegalArgumentException e) {
            throw new PlistException(source + ": " + e.getMessage());
        }
    }

    private static Integer field(NSDictionary dict, String key, String source) throws PlistException {
        return LaunchdJob.integer(dict, key, "StartCalendarInterval " + key, source);
    }
}
