package dev.homefleet.core.alert.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Messages waiting for Telegram, oldest first. A message is written here before anyone tries to send it and
 * deleted only once Telegram has accepted it, so a crash or an outage loses nothing; at worst a message that was
 * in flight at a crash is sent twice. Replies to bot commands go before alerts; within each, queue order.
 */
public final class Outbox {

    /** Replies jump the queue of alerts: someone is waiting for them. */
    public enum Priority { REPLY, ALERT }

    /** @param attempts sends tried and failed so far */
    public record Message(long id, long chatId, String text, Priority priority, Instant queuedAt, int attempts) {}

    /** A message Telegram refused for good (chat not found, bot blocked), kept for a person to read. */
    public record Dead(long id, long chatId, String text, Instant queuedAt, Instant failedAt, String reason) {}

    private final AlertDb db;

    public Outbox(AlertDb db) {
        this.db = db;
    }

    public AlertDb db() {
        return db;
    }

    /** Queues one message, committed when this returns; returns its id. */
    public long add(long chatId, String text, Priority priority, Instant at) {
        return db.locked("queue a message", c -> add(c, chatId, text, priority, at));
    }

    /** Queues one message on a connection inside the caller's transaction. */
    public static long add(Connection c, long chatId, String text, Priority priority, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO outbox (chat_id, text, priority, queued_at) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            s.setLong(1, chatId);
            s.setString(2, text);
            s.setInt(3, priority.ordinal());
            s.setLong(4, at.toEpochMilli());
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** The next message to send: the oldest reply, else the oldest alert. */
    public Optional<Message> next() {
        return db.locked("read the outbox", c -> {
            List<Message> one = select(c, 1);
            return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
        });
    }

    /** Up to {@code limit} messages, in sending order. */
    public List<Message> list(int limit) {
        return db.locked("read the outbox", c -> select(c, limit));
    }

    public int size() {
        return db.locked("count the outbox", c -> {
            try (Statement s = c.createStatement(); ResultSet row = s.executeQuery("SELECT count(*) FROM outbox")) {
                return row.next() ? row.getInt(1) : 0;
            }
        });
    }

    /** Whether message {@code id} is still waiting. */
    public boolean contains(long id) {
        return db.locked("read the outbox", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM outbox WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet row = s.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    /** Telegram accepted it: it leaves the outbox. */
    public void delivered(long id) {
        db.locked("remove a sent message", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
                s.setLong(1, id);
                return s.executeUpdate();
            }
        });
    }

    /** One more failed try; the message stays where it is. */
    public void failed(long id) {
        db.locked("count a failed send", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?")) {
                s.setLong(1, id);
                return s.executeUpdate();
            }
        });
    }

    /** Telegram will never take it: moved out of the way, with the reason, so the queue behind it moves on. */
    public void bury(Message message, String reason, Instant at) {
        db.transaction("set aside a refused message", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT OR REPLACE INTO dead (id, chat_id, text, queued_at, failed_at, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setLong(1, message.id());
                s.setLong(2, message.chatId());
                s.setString(3, message.text());
                s.setLong(4, message.queuedAt().toEpochMilli());
                s.setLong(5, at.toEpochMilli());
                s.setString(6, reason);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
                s.setLong(1, message.id());
                return s.executeUpdate();
            }
        });
    }

    /** The refused messages, newest first. */
    public List<Dead> dead(int limit) {
        return db.locked("read refused messages", c -> {
            List<Dead> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, chat_id, text, queued_at, failed_at, reason FROM dead ORDER BY failed_at DESC, id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet row = s.executeQuery()) {
                    while (row.next()) {
                        out.add(new Dead(row.getLong(1), row.getLong(2), row.getString(3),
                                Instant.ofEpochMilli(row.getLong(4)), Instant.ofEpochMilli(row.getLong(5)),
                                row.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    private static List<Message> select(Connection c, int limit) throws SQLException {
        List<Message> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, chat_id, text, priority, queued_at, attempts FROM outbox ORDER BY priority, id LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet row = s.executeQuery()) {
                while (row.next()) {
                    out.add(new Message(row.getLong(1), row.getLong(2), row.getString(3),
                            Priority.values()[row.getInt(4)], Instant.ofEpochMilli(row.getLong(5)), row.getInt(6)));
                }
            }
        }
        return out;
    }
}
