package dev.homefleet.core.alert.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The notifier's own SQLite file ({@code DATA_DIR/alerts.db}): the outbox, the open incidents, runtime mutes, the
 * bot's update offset. Its own file so the controller and a node agent's failover watchdog each keep one, and the
 * controller's history database stays the controller's.
 *
 * <p>Every write commits before its method returns, WAL with {@code synchronous=FULL}: a message in the outbox
 * survives {@code kill -9} and a power cut. One connection under one lock: the volume is a few rows a minute.
 */
public final class AlertDb implements AutoCloseable {

    static final int SCHEMA_VERSION = 1;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path file;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    /** A unit of work on the connection, inside the lock (and a transaction, for {@link #transaction}). */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection db) throws SQLException;
    }

    private AlertDb(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /**
     * Opens, creating if needed (directory 0700, file 0600), the alert database at {@code file}.
     *
     * @throws AlertDbException when it cannot be created or opened, or is not this database
     */
    public static AlertDb open(Path file) {
        Path path = file.toAbsolutePath().normalize();
        prepare(path);
        Connection db;
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            db = config.createConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw new AlertDbException("cannot open the alert outbox " + path + ": " + e.getMessage()
                    + "; check the file's permissions and that its disk is not full", e);
        }
        try {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
            }
            migrate(db, path);
            return new AlertDb(path, db);
        } catch (SQLException | RuntimeException e) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // reporting the first problem is what matters
            }
            if (e instanceof AlertDbException known) {
                throw known;
            }
            throw new AlertDbException("cannot use " + path + " as the alert outbox: " + e.getMessage()
                    + "; if it is not homefleet's alerts.db, move it aside", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Runs {@code work} under the lock, outside any transaction (one statement commits by itself). */
    public <T> T locked(String what, Work<T> work) {
        lock.lock();
        try {
            ensureOpen(what);
            return work.apply(db);
        } catch (SQLException e) {
            throw new AlertDbException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one transaction: all of it is on disk when this returns, or none of it. */
    public <T> T transaction(String what, Work<T> work) {
        return locked(what, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    /** A small named value (the bot's update offset), or empty. */
    public Optional<String> setting(String name) {
        return locked("read " + name, connection -> {
            try (PreparedStatement s = connection.prepareStatement("SELECT value FROM state WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet row = s.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    public void setting(String name, String value) {
        locked("save " + name, connection -> {
            try (PreparedStatement s = connection.prepareStatement(
                    "INSERT INTO state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
                s.setString(1, name);
                s.setString(2, value);
                return s.executeUpdate();
            }
        });
    }

    /**
     * The right to send from this outbox: one sender per file at a time, so two processes (the controller and
     * {@code fleet alert test}) never send the same message. The OS drops the lock when its process dies, even
     * by {@code kill -9}.
     *
     * @return the lock, or empty when another sender holds it
     */
    public Optional<SenderLock> trySenderLock() {
        Path lockFile = file.resolveSibling(file.getFileName() + ".sender");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock held = channel.tryLock();
                if (held == null) {
                    channel.close();
                    return Optional.empty();
                }
                return Optional.of(new SenderLock(channel));
            } catch (OverlappingFileLockException e) {
                channel.close();
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new AlertDbException("cannot lock " + lockFile + ": " + e.getMessage()
                    + "; check that its directory is writable", e);
        }
    }

    /** Held while this process sends from the outbox; {@link #close} lets another sender in. */
    public static final class SenderLock implements AutoCloseable {
        private final FileChannel channel;

        private SenderLock(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel either way
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                db.close();
            }
        } catch (SQLException e) {
            throw new AlertDbException("closing " + file + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen(String what) {
        if (closed) {
            throw new AlertDbException("cannot " + what + ": the alert outbox " + file + " is closed", null);
        }
    }

    private static void migrate(Connection db, Path path) throws SQLException {
        int version;
        try (Statement s = db.createStatement(); ResultSet row = s.executeQuery("PRAGMA user_version")) {
            version = row.next() ? row.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
            throw new AlertDbException(path + " was written by a newer homefleet (schema " + version + ", this one "
                    + "reads " + SCHEMA_VERSION + "); upgrade homefleet, or move the file aside", null);
        }
        if (version == SCHEMA_VERSION) {
            return;
        }
        try (Statement s = db.createStatement()) {
            // AUTOINCREMENT: ids never come back after a delete, so id order is the order messages were queued in.
            s.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "chat_id INTEGER NOT NULL, text TEXT NOT NULL, priority INTEGER NOT NULL, "
                    + "queued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)");
            s.execute("CREATE INDEX IF NOT EXISTS outbox_order ON outbox (priority, id)");
            s.execute("CREATE TABLE IF NOT EXISTS dead (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, "
                    + "text TEXT NOT NULL, queued_at INTEGER NOT NULL, failed_at INTEGER NOT NULL, "
                    + "reason TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS incidents (key TEXT PRIMARY KEY, json TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS mutes (target TEXT PRIMARY KEY, until INTEGER NOT NULL, "
                    + "by TEXT)");
            s.execute("CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
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
            throw new AlertDbException("cannot create the alert outbox " + path + ": " + e.getMessage()
                    + "; check that its directory is writable", e);
        }
    }

    private static FileAttribute<?>[] privately(String permissions) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(permissions))} : new FileAttribute<?>[0];
    }
}
