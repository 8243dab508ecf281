package dev.homefleet.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code sessions} table: one row per dashboard session, keyed by the hash of its id. */
final class Sessions {
    private Sessions() {}

    static void insert(Connection db, SessionRecord s) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("""
                INSERT INTO sessions (id_hash, role, grant_key, csrf, created, expires) VALUES (?, ?, ?, ?, ?, ?)""")) {
            p.setString(1, s.idHash());
            p.setString(2, s.role());
            p.setString(3, s.grant());
            p.setString(4, s.csrf());
            Rows.setInstant(p, 5, s.created());
            Rows.setInstant(p, 6, s.expires());
            p.executeUpdate();
        }
    }

    static Optional<SessionRecord> find(Connection db, String idHash) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT * FROM sessions WHERE id_hash = ?")) {
            p.setString(1, idHash);
            try (ResultSet rows = p.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SessionRecord(rows.getString("id_hash"), rows.getString("role"),
                        rows.getString("grant_key"), rows.getString("csrf"), Rows.instant(rows, "created"),
                        Rows.instant(rows, "expires")));
            }
        }
    }

    static int extend(Connection db, String idHash, Instant expires) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("UPDATE sessions SET expires = ? WHERE id_hash = ?")) {
            Rows.setInstant(p, 1, expires);
            p.setString(2, idHash);
            return p.executeUpdate();
        }
    }

    static int delete(Connection db, String idHash) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM sessions WHERE id_hash = ?")) {
            p.setString(1, idHash);
            return p.executeUpdate();
        }
    }

    static int deleteExpired(Connection db, Instant now) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM sessions WHERE expires <= ?")) {
            Rows.setInstant(p, 1, now);
            return p.executeUpdate();
        }
    }
}
