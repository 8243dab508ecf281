package dev.homefleet.core.alert;

import dev.homefleet.core.alert.bot.BotCommands;
import dev.homefleet.core.alert.bot.BotPoller;
import dev.homefleet.core.alert.bot.FleetView;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.Outbox;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.config.AlertsSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telegram alerts, end to end: {@link #accept} filters an alert (severity, event types, mutes), folds it into its
 * incident and writes it down; every second a tick turns what is due into messages in the outbox (one per
 * incident, one per burst, held through maintenance windows); a sender thread delivers the outbox. The same
 * notifier serves the bot ({@link #bot}), whose replies go through the outbox too.
 *
 * <p>Used by the controller (subscribed to its event bus) and by the failover watchdog on the standby machine;
 * each has its own alert database.
 */
public final class TelegramNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelegramNotifier.class);

    static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private volatile AlertsSpec.Telegram spec;
    private volatile MaintenanceWindows windows;
    private final BotApi api;
    private final AlertDb db;
    private final Outbox outbox;
    private final Incidents incidents;
    private final Mutes mutes;
    private final OutboxSender sender;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ZoneId zone;
    private ScheduledExecutorService ticker;
    private Thread senderThread;
    private boolean tickFailing;

    /**
     * Opens {@code database} (the alert outbox, e.g. {@code DATA_DIR/alerts.db}) and talks to
     * {@code spec.apiUrl()} with {@code token}; real time. Call {@link #start()} to send.
     */
    public static TelegramNotifier open(AlertsSpec.Telegram spec, BotToken token, Path database, OkHttpClient http) {
        AlertDb db = AlertDb.open(database);
        try {
            return new TelegramNotifier(spec, new BotApi(spec.apiUrl(), token, http), db, Clock.systemUTC(),
                    Sleeper.real(), OutboxSender.DEFAULT_PER_CHAT);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * @param db      the alert database; the notifier closes it
     * @param perChat the least time between two messages to one chat
     */
    public TelegramNotifier(AlertsSpec.Telegram spec, BotApi api, AlertDb db, Clock clock, Sleeper sleeper,
            Duration perChat) {
        this.api = Objects.requireNonNull(api, "api");
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.zone = spec.timezone() == null ? ZoneId.systemDefault() : ZoneId.of(spec.timezone());
        this.outbox = new Outbox(db);
        this.incidents = new Incidents(db);
        this.mutes = new Mutes(db, clock);
        this.sender = new OutboxSender(outbox, api, clock, sleeper, perChat);
        update(spec);
    }

    /** A reloaded fleet.yaml: chats, filters, windows and mutes apply from the next alert (token and URL do not). */
    public void update(AlertsSpec.Telegram next) {
        this.spec = Objects.requireNonNull(next, "spec");
        this.windows = new MaintenanceWindows(next.maintenance(), zone);
    }

    public AlertsSpec.Telegram spec() {
        return spec;
    }

    /**
     * Takes one alert: dropped when muted or filtered out, else folded into its incident and on disk when this
     * returns. Quick (one SQLite write), so the event bus can call it on its own thread.
     */
    public void accept(Alert alert) {
        AlertsSpec.Telegram current = spec;
        if (!wanted(alert, current)) {
            return;
        }
        incidents.accept(alert, clock.instant(), rules(current));
    }

    private boolean wanted(Alert alert, AlertsSpec.Telegram current) {
        if (alert.kind() == Alert.Kind.RESOLVED) {
            return true;
        }
        if (mutes.muted(alert, current.muted())) {
            log.debug("muted: {} {}", alert.type(), alert.key());
            return false;
        }
        if (alert.kind() == Alert.Kind.ACTION && incidents.get(alert.key()).map(i -> i.open).orElse(false)) {
            return true; // what was done about an incident the chat hears of
        }
        if (alert.severity().compareTo(current.minSeverity()) < 0) {
            return false;
        }
        return current.events().isEmpty() || current.events().stream().anyMatch(t -> typeMatches(t, alert.type()));
    }

    static boolean typeMatches(String pattern, String type) {
        String wanted = pattern.strip();
        return wanted.endsWith(".*") ? type.startsWith(wanted.substring(0, wanted.length() - 1)) : wanted.equals(type);
    }

    /**
     * Queues the messages that are due now (the ticker does this every second).
     *
     * @return how many incidents were told
     */
    public int tick() {
        AlertsSpec.Telegram current = spec;
        Instant now = clock.instant();
        AlertText text = new AlertText(zone);
        List<Incidents.Item> told = incidents.tick(now, rules(current), (items, c) -> {
            for (String message : text.render(items, now)) {
                for (long chat : current.chatIds()) {
                    Outbox.add(c, chat, message, Outbox.Priority.ALERT, now);
                }
            }
        });
        if (!told.isEmpty()) {
            sender.wake();
        }
        return told.size();
    }

    /**
     * Queues {@code text} (plain, it is escaped) to every chat, for {@code fleet alert test}.
     *
     * @return the outbox ids, one per chat
     */
    public List<Long> queueTest(String text) {
        Instant now = clock.instant();
        List<Long> ids = db.transaction("queue a test message", c -> {
            List<Long> out = new ArrayList<>();
            for (long chat : spec.chatIds()) {
                out.add(Outbox.add(c, chat, "🔔 " + Html.escape(text), Outbox.Priority.ALERT, now));
            }
            return out;
        });
        sender.wake();
        return ids;
    }

    /**
     * The bot's poller for this notifier, not started: see {@link BotPoller} for who may run one. Its replies go
     * through this outbox; stop it before closing the notifier.
     */
    public BotPoller bot(FleetView fleet) {
        return bot(fleet, BotPoller.LONG_POLL);
    }

    BotPoller bot(FleetView fleet, Duration longPoll) {
        BotCommands commands = new BotCommands(() -> spec, fleet, mutes, clock, zone, (chat, html) -> {
            outbox.add(chat, html, Outbox.Priority.REPLY, clock.instant());
            sender.wake();
        });
        return new BotPoller(api, db, commands, sleeper, longPoll);
    }

    public Mutes mutes() {
        return mutes;
    }

    public Outbox outbox() {
        return outbox;
    }

    public OutboxSender sender() {
        return sender;
    }

    public BotApi api() {
        return api;
    }

    /**
     * Starts the ticker and, when this process may send from the outbox (no other process does), the sender.
     *
     * @return false when another process holds the outbox's sender lock (alerts are still queued here)
     */
    public synchronized boolean start() {
        if (ticker != null) {
            return senderThread != null;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telegram-incidents");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::safeTick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        Optional<AlertDb.SenderLock> lock = db.trySenderLock();
        if (lock.isEmpty()) {
            log.warn("another process sends from {}; this one queues alerts there and leaves sending to it",
                    db.file());
            return false;
        }
        senderThread = new Thread(() -> {
            try (AlertDb.SenderLock held = lock.get()) {
                sender.run();
            }
        }, "telegram-outbox");
        senderThread.setDaemon(true);
        senderThread.start();
        int waiting = outbox.size();
        if (waiting > 0) {
            log.info("Telegram: {} message(s) left in the outbox from before; sending them first", waiting);
        }
        return true;
    }

    private void safeTick() {
        try {
            tick();
            if (tickFailing) {
                log.info("Telegram alerts: due messages are queued again");
                tickFailing = false;
            }
        } catch (RuntimeException e) {
            if (!tickFailing) { // once, not every second
                log.error("Telegram alerts: could not queue due messages: {}; retrying every {}s", e.getMessage(),
                        TICK.toSeconds());
                tickFailing = true;
            }
        }
    }

    /** Stops the ticker and the sender (the outbox keeps what is unsent) and closes the database. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sender.stop();
        if (senderThread != null) {
            senderThread.interrupt();
            try {
                senderThread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        db.close();
    }

    private Incidents.Rules rules(AlertsSpec.Telegram current) {
        MaintenanceWindows held = windows;
        return new Incidents.Rules() {
            @Override
            public Duration fold() {
                return current.foldWindow();
            }

            @Override
            public Duration burst() {
                return current.burstWindow();
            }

            @Override
            public Duration remind() {
                return current.remindEvery();
            }

            @Override
            public Optional<Instant> heldUntil(Incident incident, Instant now) {
                return held.heldUntil(incident.machine, incident.service, now);
            }
        };
    }
}
