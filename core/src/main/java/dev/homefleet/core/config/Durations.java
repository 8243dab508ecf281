package dev.homefleet.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a config file: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1h30m}, {@code 7d}. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Longer than anything a fleet needs, short enough that no arithmetic on it overflows. */
    private static final Duration MAX = Duration.ofDays(3650);
    private static final String MAX_HINT = "use at most 3650d";

    private Durations() {}

    /** @throws IllegalArgumentException with a sentence that says how to write it */
    public static Duration parse(String text) {
        String compact = text.strip();
        if (compact.matches("\\d+")) {
            throw new IllegalArgumentException(
                    "'" + text + "' has no unit; write it with one, e.g. " + compact + "s or " + compact + "m");
        }
        if (!WHOLE.matcher(compact).matches()) {
            throw new IllegalArgumentException("'" + text
                    + "' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 30s, 15m, 2h or 1h30m");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(compact);
        try {
            while (part.find()) {
                long amount = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long to be a duration; " + MAX_HINT);
        }
        if (total.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long to be a duration; " + MAX_HINT);
        }
        return total;
    }

    /** The shortest way to write {@code duration} back: 30s, 15m, 2h, 1h30m, 250ms. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long days = duration.toDays();
        int hours = duration.toHoursPart();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (days > 0) out.append(days).append('d');
        if (hours > 0) out.append(hours).append('h');
        if (minutes > 0) out.append(minutes).append('m');
        if (seconds > 0) out.append(seconds).append('s');
        if (millis > 0) out.append(millis).append("ms");
        return out.toString();
    }
}
