package dev.homefleet.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code checkins} table: one row per check-in name, overwritten on every change. */
final class Checkins {
    private Checkins() {}

    static void upsert(Connection db, CheckinRecord c) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("""
                INSERT INTO checkins (name, state, since, anchor, last_report, last_status, last_message)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET state = excluded.state, since = excluded.since,
                    anchor = excluded.anchor, last_report = excluded.last_report,
                    last_status = excluded.last_status, last_message = excluded.last_message""")) {
            s.setString(1, c.name());
            s.setString(2, c.state());
            Rows.setInstant(s, 3, c.since());
            Rows.setInstant(s, 4, c.anchor());
            Rows.setInstant(s, 5, c.lastReport());
            s.setString(6, c.lastStatus());
            s.setString(7, c.lastMessage());
            s.executeUpdate();
        }
    }

    static Map<String, CheckinRecord> all(Connection db) throws SQLException {
        Map<String, CheckinRecord> out = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT * FROM checkins ORDER BY name");
                ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                CheckinRecord c = new CheckinRecord(rows.getString("name"), rows.getString("state"),
                        Rows.instant(rows, "since"), Rows.instant(rows, "anchor"), Rows.instant(rows, "last_report"),
                        rows.getString("last_status"), rows.getString("last_message"));
                out.put(c.name(), c);
            }
        }
        return out;
    }
}
