package dev.homefleet.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.homefleet.core.alert.Incident.Told;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.AlertDbException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Folds alerts into incidents and decides what the chat is told, and when:
 * <ul>
 * <li>one message per incident: a repeat of an open problem is folded in; what the healer does is added to it;
 *     the resolution is its second (and last) message;</li>
 * <li>a first message waits {@code burst_window}, and every change due within the next {@code burst_window}
 *     joins it, so ten services going down with their machine make one message;</li>
 * <li>a problem that comes back within {@code fold_window} of its last message is folded in and told at most once
 *     more per fold window ("down again, 3 times since 14:02"), so a flapping service cannot flood the chat;</li>
 * <li>a problem that starts and ends inside a maintenance window is never told; one still open when the window
 *     ends is told then.</li>
 * </ul>
 * Every change is written to the alert database before {@link #accept} returns, and a tick writes the messages it
 * queues and the incidents it marks told in one transaction.
 */
final class Incidents {

    /** What a message says about an incident. */
    enum Change { OPENED, REOPENED, ESCALATED, REMINDER, RESOLVED, QUICK, NOTICE }

    /** One line (or one message) to tell: the change and the incident as it was when told. */
    record Item(Change change, Incident incident) {}

    /** The current settings, read at each call so a reloaded fleet.yaml applies at once. */
    interface Rules {
        Duration fold();

        Duration burst();

        /** Null: no reminders. */
        Duration remind();

        /** The end of the maintenance window that holds this incident's alerts now, if one does. */
        Optional<Instant> heldUntil(Incident incident, Instant now);
    }

    /** Queues the messages for {@code items} on {@code db}, inside the tick's transaction. */
    @FunctionalInterface
    interface Teller {
        void tell(List<Item> items, Connection db) throws SQLException;
    }

    /** Instants as ISO text ({@code 2025-06-01T14:02:00Z}), without the jsr310 module core does not carry. */
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule("instants")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addDeserializer(Instant.class, new FromStringDeserializer<>(Instant.class) {
                        @Override
                        protected Instant _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext context) {
                            return Instant.parse(value);
                        }
                    }))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final AlertDb db;
    private final Map<String, Incident> incidents = new LinkedHashMap<>();

    Incidents(AlertDb db) {
        this.db = db;
        db.locked("read open incidents", c -> {
            try (Statement s = c.createStatement();
                    ResultSet rows = s.executeQuery("SELECT key, json FROM incidents ORDER BY rowid")) {
                while (rows.next()) {
                    incidents.put(rows.getString(1), read(rows.getString(2)));
                }
            }
            return null;
        });
    }

    /** Folds one alert in; on disk when this returns. */
    synchronized void accept(Alert alert, Instant now, Rules rules) {
        Incident before = incidents.get(alert.key());
        Incident after = fold(before == null ? null : before.copy(), alert, now, rules);
        if (after == null && before == null) {
            return;
        }
        db.transaction("record an alert for " + alert.key(), c -> {
            if (after == null) {
                delete(c, alert.key());
            } else {
                write(c, after);
            }
            return null;
        });
        if (after == null) {
            incidents.remove(alert.key());
        } else {
            incidents.put(alert.key(), after);
        }
    }

    /** @return the incident after the alert, or null when there is none left */
    private static Incident fold(Incident incident, Alert alert, Instant now, Rules rules) {
        Instant soon = now.plus(rules.burst());
        switch (alert.kind()) {
            case NOTICE -> {
                if (incident == null || !incident.notice || incident.told != Told.NONE && !folds(incident, now, rules)) {
                    return Incident.opened(alert, soon);
                }
                incident.repeats++;
                incident.lastText = alert.text();
                incident.lastType = alert.type();
                incident.severity = Incident.max(incident.severity, alert.severity());
                if (incident.due == null) {
                    incident.due = Incident.later(soon, incident.toldAt.plus(rules.fold()));
                }
                return incident;
            }
            case RESOLVED -> {
                return resolve(incident, alert, soon);
            }
            default -> {
                return problem(incident, alert, now, soon, rules);
            }
        }
    }

    private static Incident problem(Incident incident, Alert alert, Instant now, Instant soon, Rules rules) {
        boolean action = alert.kind() == Alert.Kind.ACTION;
        if (incident == null || incident.notice
                || !incident.open && incident.told == Told.RESOLVED && !folds(incident, now, rules)) {
            return Incident.opened(alert, soon);
        }
        if (action && alert.note() != null) {
            incident.actions.add(alert.note());
        }
        if (alert.hint() != null) {
            incident.hint = alert.hint();
        }
        incident.severity = Incident.max(incident.severity, alert.severity());
        if (incident.open) {
            if (!action) {
                incident.repeats++;
                incident.lastText = alert.text();
                incident.lastType = alert.type();
            }
            if (incident.escalated()) {
                incident.due = Incident.earlier(incident.due, soon);
            }
            return incident;
        }
        // It had ended and comes back within the fold window (or before its end was told): the same incident.
        incident.open = true;
        incident.flaps++;
        incident.lastText = alert.text();
        incident.lastType = alert.type();
        incident.resolvedAt = null;
        incident.resolvedType = null;
        incident.resolvedText = null;
        incident.outageSeconds = null;
        switch (incident.told) {
            case OPEN -> incident.due = incident.escalated() ? Incident.earlier(incident.due, soon) : null;
            case RESOLVED -> {
                incident.since = alert.at();
                incident.due = Incident.later(soon, incident.toldAt.plus(rules.fold()));
            }
            case NONE -> incident.due = incident.due == null ? soon : incident.due;
        }
        return incident;
    }

    private static Incident resolve(Incident incident, Alert alert, Instant soon) {
        if (incident == null || !incident.open || incident.notice) {
            return incident;
        }
        incident.open = false;
        incident.resolvedAt = alert.at();
        incident.resolvedType = alert.type();
        incident.resolvedText = alert.text();
        Object outage = alert.details().get("outage_s");
        incident.outageSeconds = outage instanceof Number n ? n.longValue()
                : Math.max(0, Duration.between(incident.since, alert.at()).toSeconds());
        switch (incident.told) {
            case OPEN -> incident.due = Incident.earlier(incident.due, soon);
            case RESOLVED -> incident.due = null; // went and came back before anyone was told: nothing new
            case NONE -> {
                if (incident.held) {
                    return null; // began and ended inside a maintenance window
                }
            }
        }
        return incident;
    }

    private static boolean folds(Incident incident, Instant now, Rules rules) {
        return incident.toldAt != null && now.isBefore(incident.toldAt.plus(rules.fold()));
    }

    /**
     * Tells what is due: when any change is due now, it and every change due within the next burst window go out
     * together through {@code teller}; held, dropped and forgotten incidents are written in the same transaction.
     *
     * @return the items told
     */
    synchronized List<Item> tick(Instant now, Rules rules, Teller teller) {
        boolean anyDue = incidents.values().stream().anyMatch(i -> due(i, now, rules) != null);
        Instant horizon = now.plus(rules.burst());
        List<Item> items = new ArrayList<>();
        Map<String, Incident> changed = new LinkedHashMap<>();
        Set<String> deleted = new LinkedHashSet<>();
        for (Incident incident : incidents.values()) {
            Change change = anyDue ? due(incident, horizon, rules) : null;
            if (change == null) {
                if (incident.due != null && !incident.due.isAfter(horizon) && changeOf(incident) == null) {
                    Incident next = incident.copy();
                    next.due = null; // nothing left to tell
                    changed.put(next.key, next);
                }
                continue;
            }
            Optional<Instant> heldUntil = rules.heldUntil(incident, now);
            if (change == Change.QUICK && (incident.held || heldUntil.isPresent())) {
                deleted.add(incident.key);
                continue;
            }
            if (heldUntil.isPresent() && change != Change.RESOLVED) {
                Incident next = incident.copy();
                next.held = true;
                if (change == Change.REMINDER) {
                    next.remindAt = heldUntil.get();
                } else {
                    next.due = heldUntil.get();
                }
                changed.put(next.key, next);
                continue;
            }
            items.add(new Item(change, incident.copy()));
            Incident next = incident.copy();
            next.told = next.open ? Told.OPEN : Told.RESOLVED;
            next.toldSeverity = next.severity;
            next.toldAt = now;
            next.due = null;
            next.held = false;
            next.repeats = 0;
            next.flaps = 0;
            next.remindAt = next.open && rules.remind() != null ? now.plus(rules.remind()) : null;
            changed.put(next.key, next);
        }
        for (Incident incident : incidents.values()) {
            Incident current = changed.getOrDefault(incident.key, incident);
            if (!current.open && current.due == null && current.told != Told.OPEN
                    && (current.toldAt == null || !now.isBefore(current.toldAt.plus(rules.fold())))) {
                deleted.add(current.key);
            }
        }
        if (items.isEmpty() && changed.isEmpty() && deleted.isEmpty()) {
            return items;
        }
        db.transaction("queue alert messages", c -> {
            if (!items.isEmpty()) {
                teller.tell(items, c);
            }
            for (Incident incident : changed.values()) {
                if (!deleted.contains(incident.key)) {
                    write(c, incident);
                }
            }
            for (String key : deleted) {
                delete(c, key);
            }
            return null;
        });
        changed.forEach(incidents::put);
        deleted.forEach(incidents::remove);
        return items;
    }

    /** The change to tell for {@code incident} if it is due by {@code by}, else null. */
    private static Change due(Incident incident, Instant by, Rules rules) {
        if (incident.due != null && !incident.due.isAfter(by)) {
            return changeOf(incident);
        }
        if (incident.open && incident.told == Told.OPEN && incident.remindAt != null
                && !incident.remindAt.isAfter(by) && rules.remind() != null) {
            return Change.REMINDER;
        }
        return null;
    }

    private static Change changeOf(Incident incident) {
        if (incident.notice) {
            return Change.NOTICE;
        }
        if (incident.open) {
            return switch (incident.told) {
                case NONE -> Change.OPENED;
                case RESOLVED -> Change.REOPENED;
                case OPEN -> incident.escalated() ? Change.ESCALATED : null;
            };
        }
        return switch (incident.told) {
            case OPEN -> Change.RESOLVED;
            case NONE -> Change.QUICK;
            case RESOLVED -> null;
        };
    }

    /** The incidents open now (told or not), oldest first; copies. */
    synchronized List<Incident> open() {
        return incidents.values().stream().filter(i -> i.open).map(Incident::copy).toList();
    }

    synchronized Optional<Incident> get(String key) {
        return Optional.ofNullable(incidents.get(key)).map(Incident::copy);
    }

    private static void write(Connection c, Incident incident) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO incidents (key, json) VALUES (?, ?) "
                + "ON CONFLICT (key) DO UPDATE SET json = excluded.json")) {
            s.setString(1, incident.key);
            s.setString(2, json(incident));
            s.executeUpdate();
        }
    }

    private static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM incidents WHERE key = ?")) {
            s.setString(1, key);
            s.executeUpdate();
        }
    }

    private static String json(Incident incident) {
        try {
            return JSON.writeValueAsString(incident);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an incident does not write as JSON", e);
        }
    }

    private Incident read(String text) {
        try {
            return JSON.readValue(text, Incident.class);
        } catch (JsonProcessingException e) {
            throw new AlertDbException("an incident in " + db.file() + " does not read back (" + e.getOriginalMessage()
                    + "); move the file aside to start afresh", e);
        }
    }
}
