package dev.homefleet.controller.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's schema as a list of steps: step N brings a database from {@code user_version} N-1 to N, inside one
 * transaction, so a kill in the middle of a migration leaves the previous version intact. Steps are only ever
 * appended; a released step is never edited. Times are epoch milliseconds; AUTOINCREMENT keeps ids of purged rows
 * from being handed out again, so an id seen by a client always means the same event or report.
 */
final class Schema {

    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    static final List<List<String>> STEPS = List.of(
            List.of("""
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        ts INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        machine TEXT,
                        service TEXT,
                        subject TEXT,
                        message TEXT NOT NULL,
                        data TEXT NOT NULL)""",
                    "CREATE INDEX events_ts ON events (ts)",
                    "CREATE INDEX events_type_ts ON events (type, ts)",
                    """
                    CREATE TABLE samples (
                        id INTEGER PRIMARY KEY,
                        machine TEXT NOT NULL,
                        ts INTEGER NOT NULL,
                        cpu_percent REAL NOT NULL,
                        memory_percent REAL NOT NULL,
                        swap_percent REAL NOT NULL,
                        disk_percent REAL NOT NULL,
                        metrics TEXT NOT NULL)""",
                    "CREATE INDEX samples_machine_ts ON samples (machine, ts)",
                    "CREATE INDEX samples_ts ON samples (ts)",
                    """
                    CREATE TABLE job_runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job TEXT NOT NULL,
                        started INTEGER NOT NULL,
                        finished INTEGER,
                        outcome TEXT NOT NULL,
                        summary TEXT,
                        details TEXT)""",
                    "CREATE INDEX job_runs_job ON job_runs (job, id)",
                    "CREATE INDEX job_runs_outcome ON job_runs (outcome)",
                    """
                    CREATE TABLE reports (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job TEXT NOT NULL,
                        ts INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        message TEXT NOT NULL,
                        source TEXT)""",
                    "CREATE INDEX reports_job ON reports (job, id)",
                    "CREATE INDEX reports_ts ON reports (ts)",
                    """
                    CREATE TABLE checkins (
                        name TEXT PRIMARY KEY,
                        state TEXT NOT NULL,
                        since INTEGER NOT NULL,
                        anchor INTEGER,
                        last_report INTEGER,
                        last_status TEXT,
                        last_message TEXT)"""),
            // Dashboard sessions outlive a controller restart; the id itself is never stored, only its hash.
            List.of("""
                    CREATE TABLE sessions (
                        id_hash TEXT PRIMARY KEY,
                        role TEXT NOT NULL,
                        grant_key TEXT NOT NULL,
                        csrf TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        expires INTEGER NOT NULL)""",
                    "CREATE INDEX sessions_expires ON sessions (expires)"));

    private Schema() {}

    /** The schema version this homefleet writes. */
    static int latest() {
        return STEPS.size();
    }

    static int version(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery("PRAGMA user_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    /** Applies every step the database lacks; refuses a database from a newer homefleet rather than guess. */
    static void migrate(Connection db, Path file) throws SQLException {
        int current = version(db);
        if (current > latest()) {
            throw new StoreException(file + " has schema version " + current + ", but this homefleet knows "
                    + "versions up to " + latest() + ": it was written by a newer homefleet. Run that version, "
                    + "or move the file aside to start an empty history");
        }
        for (int next = current + 1; next <= latest(); next++) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                for (String sql : STEPS.get(next - 1)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + next);
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
            log.info("store {}: schema version {} -> {}", file, next - 1, next);
        }
    }
}
