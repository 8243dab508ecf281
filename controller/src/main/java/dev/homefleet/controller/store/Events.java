package dev.homefleet.controller.store;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The {@code events} table. */
final class Events {
    private Events() {}

    static FleetEvent insert(Connection db, StoreJson json, FleetEvent event) throws SQLException {
        String data = json.write(event.data());
        try (PreparedStatement s = db.prepareStatement("INSERT INTO events "
                + "(ts, type, severity, machine, service, subject, message, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Rows.setInstant(s, 1, event.ts());
            s.setString(2, event.type().wire());
            s.setString(3, event.severity().name());
            s.setString(4, event.machine());
            s.setString(5, event.service());
            s.setString(6, event.subject());
            s.setString(7, event.message());
            s.setString(8, data);
            s.executeUpdate();
        }
        return new FleetEvent(Rows.lastId(db), event.type(), Rows.stored(event.ts()), event.severity(),
                event.machine(), event.service(), event.subject(), event.message(), json.readMap(data));
    }

    /** The newest {@code limit} events at or after {@code since} (all when null), oldest first. */
    static List<FleetEvent> select(Connection db, StoreJson json, Instant since, EventType type, int limit)
            throws SQLException {
        List<FleetEvent> out = query(db, json, "ts >= ?", since == null ? Long.MIN_VALUE : since.toEpochMilli(),
                type, "DESC", limit);
        Collections.reverse(out);
        return out;
    }

    /** The first {@code limit} events after the one with id {@code afterId}, oldest first. */
    static List<FleetEvent> after(Connection db, StoreJson json, long afterId, EventType type, int limit)
            throws SQLException {
        return query(db, json, "id > ?", afterId, type, "ASC", limit);
    }

    private static List<FleetEvent> query(Connection db, StoreJson json, String where, long value, EventType type,
            String order, int limit) throws SQLException {
        String sql = "SELECT * FROM events WHERE " + where + (type == null ? "" : " AND type = ?")
                + " ORDER BY id " + order + " LIMIT ?";
        List<FleetEvent> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            int i = 1;
            s.setLong(i++, value);
            if (type != null) {
                s.setString(i++, type.wire());
            }
            s.setInt(i, limit);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    out.add(read(rows, json));
                }
            }
        }
        return out;
    }

    private static FleetEvent read(ResultSet rows, StoreJson json) throws SQLException {
        return new FleetEvent(rows.getLong("id"), EventType.fromWire(rows.getString("type")),
                Rows.instant(rows, "ts"), Severity.valueOf(rows.getString("severity")),
                rows.getString("machine"), rows.getString("service"), rows.getString("subject"),
                rows.getString("message"), json.readMap(rows.getString("data")));
    }
}
