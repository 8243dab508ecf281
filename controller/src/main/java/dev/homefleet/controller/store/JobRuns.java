package dev.homefleet.controller.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code job_runs} table. */
final class JobRuns {
    static final Set<String> FINISHED = Set.of(JobRun.OK, JobRun.FAILED, JobRun.ABANDONED);

    private JobRuns() {}

    static long start(Connection db, String job, Instant at) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "INSERT INTO job_runs (job, started, outcome) VALUES (?, ?, '" + JobRun.RUNNING + "')")) {
            s.setString(1, job);
            Rows.setInstant(s, 2, at);
            s.executeUpdate();
        }
        return Rows.lastId(db);
    }

    static int finish(Connection db, StoreJson json, long runId, Instant at, String outcome, String summary,
            Map<String, Object> details) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE job_runs SET finished = ?, outcome = ?, summary = ?, "
                + "details = ? WHERE id = ? AND outcome = '" + JobRun.RUNNING + "'")) {
            Rows.setInstant(s, 1, at);
            s.setString(2, outcome);
            s.setString(3, summary);
            s.setString(4, json.write(details == null ? Map.of() : details));
            s.setLong(5, runId);
            return s.executeUpdate();
        }
    }

    /** Runs a killed controller left behind can never finish; saying so beats showing them running forever. */
    static int abandonRunning(Connection db) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE job_runs SET outcome = '" + JobRun.ABANDONED
                + "', summary = 'the controller stopped while it ran' WHERE outcome = '" + JobRun.RUNNING + "'")) {
            return s.executeUpdate();
        }
    }

    static List<JobRun> select(Connection db, StoreJson json, String job, int limit) throws SQLException {
        String sql = "SELECT * FROM job_runs" + (job == null ? "" : " WHERE job = ?") + " ORDER BY id DESC LIMIT ?";
        List<JobRun> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(sql)) {
            int i = 1;
            if (job != null) {
                s.setString(i++, job);
            }
            s.setInt(i, limit);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    out.add(new JobRun(rows.getLong("id"), rows.getString("job"), Rows.instant(rows, "started"),
                            Rows.instant(rows, "finished"), rows.getString("outcome"), rows.getString("summary"),
                            json.readMap(rows.getString("details"))));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }
}
