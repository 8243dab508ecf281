package dev.homefleet.core.alert;

import dev.homefleet.core.alert.store.AlertDb;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Services whose alerts are dropped: for good ({@code alerts.telegram.muted}) or for a while ({@code /mute
 * SERVICE 2h} in the chat, kept in the alert database so a restart does not unmute). A target is a service name
 * (on any machine), {@code MACHINE/SERVICE}, or a machine (its alerts and its services').
 */
public final class Mutes {

    private final AlertDb db;
    private final Clock clock;

    public Mutes(AlertDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Mutes {@code target} for {@code duration} from now (replacing an earlier mute); returns when it ends. */
    public Instant mute(String target, Duration duration, String by) {
        Instant until = clock.instant().plus(duration);
        db.locked("mute " + target, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO mutes (target, until, by) VALUES (?, ?, ?) "
                    + "ON CONFLICT (target) DO UPDATE SET until = excluded.until, by = excluded.by")) {
                s.setString(1, target);
                s.setLong(2, until.toEpochMilli());
                s.setString(3, by);
                return s.executeUpdate();
            }
        });
        return until;
    }

    /** @return whether it was muted */
    public boolean unmute(String target) {
        return db.locked("unmute " + target, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM mutes WHERE target = ?")) {
                s.setString(1, target);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** The mutes still running, target to end, soonest end first; expired ones are forgotten. */
    public Map<String, Instant> active() {
        long now = clock.millis();
        return db.locked("read mutes", c -> {
            Map<String, Instant> out = new LinkedHashMap<>();
            boolean expired = false;
            try (PreparedStatement s = c.prepareStatement("SELECT target, until FROM mutes ORDER BY until, target");
                    ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    if (rows.getLong(2) <= now) {
                        expired = true;
                    } else {
                        out.put(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)));
                    }
                }
            }
            if (expired) { // written only when there is something to forget: this runs for every alert
                try (PreparedStatement purge = c.prepareStatement("DELETE FROM mutes WHERE until <= ?")) {
                    purge.setLong(1, now);
                    purge.executeUpdate();
                }
            }
            return out;
        });
    }

    /** Whether {@code alert} is muted, by {@code configured} targets or a running mute. */
    public boolean muted(Alert alert, Collection<String> configured) {
        if (alert.machine() == null && alert.service() == null) {
            return false;
        }
        for (String target : configured) {
            if (matches(target, alert)) {
                return true;
            }
        }
        for (String target : active().keySet()) {
            if (matches(target, alert)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String target, Alert alert) {
        if (alert.service() != null && (target.equals(alert.service())
                || target.equals(alert.machine() + "/" + alert.service()))) {
            return true;
        }
        return alert.machine() != null && target.equals(alert.machine());
    }
}
