package dev.homefleet.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code reports} table. */
final class Reports {
    private Reports() {}

    static Report insert(Connection db, String job, String status, String message, Instant at, String source)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "INSERT INTO reports (job, ts, status, message, source) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, job);
            Rows.setInstant(s, 2, at);
            s.setString(3, status);
            s.setString(4, message == null ? "" : message);
            s.setString(5, source);
            s.executeUpdate();
        }
        return new Report(Rows.lastId(db), job, Rows.stored(at), status, message == null ? "" : message, source);
    }

    static List<Report> select(Connection db, String job, int limit) throws SQLException {
        String sql = "SELECT * FROM reports" + (job == null ? "" : " WHERE job = ?") + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement s = db.prepareStatement(sql)) {
            int i = 1;
            if (job != null) {
                s.setString(i++, job);
            }
            s.setInt(i, limit);
            List<Report> out = read(s);
            Collections.reverse(out);
            return out;
        }
    }

    static Map<String, Report> latest(Connection db) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT * FROM reports WHERE id IN (SELECT MAX(id) FROM reports GROUP BY job) ORDER BY job")) {
            Map<String, Report> out = new LinkedHashMap<>();
            for (Report report : read(s)) {
                out.put(report.job(), report);
            }
            return out;
        }
    }

    private static List<Report> read(PreparedStatement s) throws SQLException {
        List<Report> out = new ArrayList<>();
        try (ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                out.add(new Report(rows.getLong("id"), rows.getString("job"), Rows.instant(rows, "ts"),
                        rows.getString("status"), rows.getString("message"), rows.getString("source")));
            }
        }
        return out;
    }
}
