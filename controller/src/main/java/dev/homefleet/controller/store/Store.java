package dev.homefleet.controller.store;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.ControllerSpec;
import dev.homefleet.core.metrics.MachineMetrics;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The controller's history in one SQLite file: events, metric samples, job runs, check-in reports, check-in
 * state and dashboard sessions. Every write is committed before its method returns, so whatever the controller
 * acknowledges survives a {@code kill -9}, and a restart resumes from the file.
 *
 * <p>Durability: WAL journal with {@code synchronous=FULL}. In WAL mode {@code NORMAL} already survives a killed
 * process (a commit is in the OS's page cache the moment it returns), but a power cut can lose the last commits;
 * {@code FULL} syncs the WAL on every commit, and at this fleet's volume (a few writes a minute, a sample per machine
 * per heartbeat) that costs nothing noticeable. Readers never block the writer in WAL mode.
 *
 * <p>Threads: one connection, used under one lock. The Quartz jobs, the HTTP server and the event bus all write
 * here, and SQLite serialises writers anyway; one connection keeps "last insert id" and transactions simple.
 */
public final class Store implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path file;
    private final Connection db;
    private final StoreJson json = new StoreJson();
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private Store(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /**
     * Opens (creating if needed) the store at {@code file}: missing directories are made private (0700), a new
     * file private (0600), the schema is migrated, and job runs a killed controller left running are marked
     * abandoned.
     *
     * @throws StoreException when the file cannot be opened, is not a SQLite database, or is newer than this code
     */
    public static Store open(Path file) {
        Path path = file.toAbsolutePath().normalize();
        prepare(path);
        Connection db;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            db = config.createConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw new StoreException("cannot open the store " + path + ": " + e.getMessage()
                    + "; check controller.database in fleet.yaml and the file's permissions", e);
        }
        try {
            configure(db, path);
            Schema.migrate(db, path);
            int abandoned = JobRuns.abandonRunning(db);
            if (abandoned > 0) {
                log.info("store {}: {} job run(s) left running by the last controller marked abandoned", path,
                        abandoned);
            }
            return new Store(path, db);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(db);
            if (e instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("cannot use " + path + " as the store: " + e.getMessage()
                    + "; if it is not homefleet's database, point controller.database elsewhere or move it aside", e);
        }
    }

    public Path file() {
        return file;
    }

    public int schemaVersion() {
        return locked("read the schema version", Schema::version);
    }

    // ---- events

    /** Writes the event and returns it with its id; the signature of the {@code EventBus} recorder. */
    public FleetEvent append(FleetEvent event) {
        Objects.requireNonNull(event, "event");
        return locked("record a " + event.type() + " event", db -> Events.insert(db, json, event));
    }

    /**
     * @param since null for all
     * @param type  null for every type
     * @return at most {@code limit} events at or after {@code since}, the newest ones, oldest first
     */
    public List<FleetEvent> events(Instant since, EventType type, int limit) {
        positive(limit);
        return locked("read events", db -> Events.select(db, json, since, type, limit));
    }

    /**
     * The events after the one numbered {@code afterId}, oldest first: what a client that saw {@code afterId} missed.
     *
     * @param type null for every type
     */
    public List<FleetEvent> eventsAfter(long afterId, EventType type, int limit) {
        positive(limit);
        return locked("read events", db -> Events.after(db, json, afterId, type, limit));
    }

    // ---- metric samples

    public void sample(String machine, Instant at, MachineMetrics metrics) {
        Objects.requireNonNull(metrics, "metrics");
        locked("record a metrics sample of " + machine, db -> {
            Samples.insert(db, json, machine, at, metrics);
            return null;
        });
    }

    /** A machine's samples at or after {@code since} (null for all), oldest first. */
    public List<Sample> samples(String machine, Instant since) {
        return locked("read samples of " + machine, db -> Samples.select(db, json, machine, since));
    }

    // ---- job runs

    /** Records the start of a run; the id goes to {@link #jobFinished}. */
    public long jobStarted(String job, Instant at) {
        return locked("record the start of job " + job, db -> JobRuns.start(db, job, at));
    }

    /**
     * @param outcome ok, failed or abandoned
     * @throws IllegalArgumentException for another outcome, or a run that is not running (unknown or finished)
     */
    public void jobFinished(long runId, Instant at, String outcome, String summary, Map<String, Object> details) {
        if (!JobRuns.FINISHED.contains(outcome)) {
            throw new IllegalArgumentException("'" + outcome + "' is not a job outcome; use ok, failed or abandoned");
        }
        int updated = locked("record the end of job run " + runId,
                db -> JobRuns.finish(db, json, runId, at, outcome, summary, details));
        if (updated == 0) {
            throw new IllegalArgumentException("job run " + runId + " is not running: it does not exist or has "
                    + "already finished");
        }
    }

    /** The last {@code limit} runs of {@code job} (null for every job), oldest first. */
    public List<JobRun> jobRuns(String job, int limit) {
        positive(limit);
        return locked("read job runs", db -> JobRuns.select(db, json, job, limit));
    }

    // ---- check-in reports and state

    /**
     * Stores a job's report; when this returns it is committed (or, inside {@link #atomically}, when that returns),
     * and may be acknowledged.
     *
     * @param status one of {@link Report#STATUSES}
     */
    public Report report(String job, String status, String message, Instant at, String source) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(at, "at");
        if (!Report.STATUSES.contains(status)) {
            throw new IllegalArgumentException("'" + status + "' is not a report status; use one of "
                    + String.join(", ", Report.STATUSES));
        }
        return locked("record a report of " + job, db -> Reports.insert(db, job, status, message, at, source));
    }

    /** The last {@code limit} reports of {@code job} (null for every job), oldest first. */
    public List<Report> reports(String job, int limit) {
        positive(limit);
        return locked("read reports", db -> Reports.select(db, job, limit));
    }

    /** Each job's most recent report still kept. */
    public Map<String, Report> latestReports() {
        return locked("read the latest reports", Reports::latest);
    }

    public void saveCheckin(CheckinRecord checkin) {
        locked("save the state of check-in " + checkin.name(), db -> {
            Checkins.upsert(db, checkin);
            return null;
        });
    }

    public Map<String, CheckinRecord> checkins() {
        return locked("read check-in states", Checkins::all);
    }

    // ---- dashboard sessions

    public void saveSession(SessionRecord session) {
        Objects.requireNonNull(session, "session");
        locked("save a session", db -> {
            Sessions.insert(db, session);
            return null;
        });
    }

    /** The session whose id hashes to {@code idHash}, expired or not. */
    public Optional<SessionRecord> session(String idHash) {
        return locked("read a session", db -> Sessions.find(db, idHash));
    }

    /** Moves a session's end to {@code expires}; false when there is no such session (any more). */
    public boolean extendSession(String idHash, Instant expires) {
        return locked("extend a session", db -> Sessions.extend(db, idHash, expires)) > 0;
    }

    public void deleteSession(String idHash) {
        locked("delete a session", db -> Sessions.delete(db, idHash));
    }

    /** Deletes the sessions that ended at or before {@code now}; how many. */
    public int deleteExpiredSessions(Instant now) {
        return locked("delete expired sessions", db -> Sessions.deleteExpired(db, now));
    }

    // ---- upkeep

    /** Deletes what is older than each kind's retention, in one transaction; running job runs are kept. */
    public Purged purge(ControllerSpec.Retention retention, Instant now) {
        return inTransaction("purge old history", db -> new Purged(
                delete(db, "DELETE FROM events WHERE ts < ?", now.minus(retention.events())),
                delete(db, "DELETE FROM samples WHERE ts < ?", now.minus(retention.samples())),
                delete(db, "DELETE FROM job_runs WHERE started < ? AND outcome <> '" + JobRun.RUNNING + "'",
                        now.minus(retention.jobRuns())),
                delete(db, "DELETE FROM reports WHERE ts < ?", now.minus(retention.reports()))));
    }

    /**
     * Runs {@code work}, which calls this store's methods, as one transaction: all of its writes are committed
     * when this returns, or none of them if it throws. Other threads' calls wait until it is done, so keep it
     * short and never publish events or wait on other locks inside it.
     */
    public <T> T atomically(String what, Supplier<T> work) {
        return inTransaction(what, db -> work.get());
    }

    /** SQLite's own consistency check: {@code ok}, or the problems it found, one per line. */
    public String integrityCheck() {
        return locked("check the database", db -> {
            List<String> lines = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery("PRAGMA integrity_check")) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
            return String.join("\n", lines);
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                closeQuietly(db);
            }
        } finally {
            lock.unlock();
        }
    }

    private static int delete(Connection db, String sql, Instant before) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setLong(1, before.toEpochMilli());
            return s.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection db) throws SQLException;
    }

    private <T> T locked(String what, Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new StoreException("cannot " + what + ": the store " + file + " is closed");
            }
            return work.run(db);
        } catch (SQLException e) {
            throw new StoreException("could not " + what + " in " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Nested calls join the transaction already open on this thread (the lock is reentrant). */
    private <T> T inTransaction(String what, Work<T> work) {
        return locked(what, db -> {
            if (!db.getAutoCommit()) {
                return work.run(db);
            }
            db.setAutoCommit(false);
            try {
                T result = work.run(db);
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    private static void configure(Connection db, Path path) throws SQLException {
        try (Statement s = db.createStatement()) {
            try (ResultSet mode = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String journal = mode.next() ? mode.getString(1) : "";
                if (!"wal".equalsIgnoreCase(journal)) {
                    throw new StoreException("the store " + path + " cannot use write-ahead logging (journal mode "
                            + "stays '" + journal + "'); put controller.database on a local disk");
                }
            }
            s.execute("PRAGMA synchronous = FULL");
        }
    }

    private static void prepare(Path path) {
        Path dir = path.getParent();
        try {
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir, privately("rwx------"));
            }
            if (!Files.exists(path)) {
                Files.createFile(path, privately("rw-------"));
            }
        } catch (FileAlreadyExistsException e) {
            // another process made it first: fine
        } catch (IOException e) {
            throw new StoreException("cannot create the store " + path + ": " + e.getMessage()
                    + "; check that its directory is writable, or set controller.database in fleet.yaml", e);
        }
    }

    private static FileAttribute<?>[] privately(String permissions) {
        boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(permissions))} : new FileAttribute<?>[0];
    }

    private static void positive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be 1 or more, not " + limit);
        }
    }

    private static void closeQuietly(Connection db) {
        try {
            db.close();
        } catch (SQLException e) {
            log.warn("closing the store failed: {}", e.getMessage());
        }
    }
}
