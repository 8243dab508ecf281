package dev.homefleet.controller.cli;

import java.time.Duration;
import java.time.Instant;

/** "5m ago", "2h ago", "3d ago": how long ago something happened, at a glance. */
final class Ago {
    private Ago() {}

    static String of(String isoInstant, Instant now) {
        if (isoInstant == null || isoInstant.isEmpty() || isoInstant.equals("null")) {
            return "-";
        }
        Instant then;
        try {
            then = Instant.parse(isoInstant);
        } catch (RuntimeException e) {
            return isoInstant;
        }
        return of(then, now);
    }

    static String of(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        boolean future = d.isNegative();
        d = d.abs();
        String amount;
        if (d.toSeconds() < 60) {
            amount = d.toSeconds() + "s";
        } else if (d.toMinutes() < 60) {
            amount = d.toMinutes() + "m";
        } else if (d.toHours() < 48) {
            amount = d.toHours() + "h" + (d.toHours() < 10 && d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "");
        } else {
            amount = d.toDays() + "d";
        }
        return future ? "in " + amount : amount + " ago";
    }
}
