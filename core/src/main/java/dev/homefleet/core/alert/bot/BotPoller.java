package dev.homefleet.core.alert.bot;

import dev.homefleet.core.alert.Sleeper;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.AlertDbException;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotApiException;
import dev.homefleet.core.alert.telegram.Update;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-polls {@code getUpdates} and hands each update to {@link BotCommands}. The offset is saved before an update
 * is handled, so after a restart no update is handled twice (one that was being handled at a crash is dropped,
 * not repeated: a {@code /confirm} must never restart twice).
 *
 * <p><b>One poller per bot token, fleet-wide.</b> Telegram gives each update to one {@code getUpdates} caller and
 * answers a second concurrent caller {@code 409 Conflict}. The owner rule: the controller's poller runs whenever
 * the controller runs; the standby machine's poller (the failover watchdog's) is {@link #start() started} on
 * takeover and {@link #stop() stopped} on yield, so it only polls while the controller's machine is considered
 * gone. Should both poll anyway (a split brain), the one answered 409 logs it once and backs off (30s, doubling to
 * 5 minutes) until the other stops.
 */
public final class BotPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BotPoller.class);

    /** How long one getUpdates waits for an update (Telegram allows up to 50s). */
    public static final Duration LONG_POLL = Duration.ofSeconds(25);
    static final String OFFSET = "telegram.update_offset";
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final Duration CONFLICT_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_CONFLICT_BACKOFF = Duration.ofMinutes(5);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final BotApi api;
    private final AlertDb db;
    private final BotCommands commands;
    private final Sleeper sleeper;
    private final Duration longPoll;
    private Thread thread;
    private volatile boolean stopped;
    private boolean knowsMe;
    private int failures;
    private int conflicts;

    public BotPoller(BotApi api, AlertDb db, BotCommands commands, Sleeper sleeper, Duration longPoll) {
        this.api = Objects.requireNonNull(api, "api");
        this.db = Objects.requireNonNull(db, "db");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.longPoll = Objects.requireNonNull(longPoll, "longPoll");
    }

    /** Starts polling on a daemon thread; does nothing when it already polls. */
    public synchronized void start() {
        if (thread != null && thread.isAlive()) {
            return;
        }
        stopped = false;
        thread = new Thread(this::run, "telegram-bot");
        thread.setDaemon(true);
        thread.start();
        log.info("Telegram bot: polling for commands");
    }

    /** Stops polling: the long poll in progress is cancelled, and this returns once the thread has ended. */
    public synchronized void stop() {
        if (thread == null) {
            return;
        }
        stopped = true;
        api.cancelPoll();
        thread.interrupt();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the Telegram bot's poller did not stop within {}s (a command still running)",
                    STOP_WAIT.toSeconds());
        } else {
            log.info("Telegram bot: stopped polling");
        }
        thread = null;
    }

    public synchronized boolean running() {
        return thread != null && thread.isAlive();
    }

    /** The next update id to ask for; 0 before the first. */
    public long offset() {
        return db.setting(OFFSET).map(Long::parseLong).orElse(0L);
    }

    /**
     * One getUpdates and the updates it brings; on a failure, the wait it calls for (through the sleeper).
     *
     * @return the number of updates handled
     */
    public int pollOnce() throws InterruptedException {
        if (!knowsMe) {
            learnName();
        }
        List<Update> updates;
        try {
            updates = api.getUpdates(offset(), longPoll);
        } catch (BotApiException e) {
            if (!stopped) { // a stop cancels the poll: that failure is no news
                sleeper.sleep(backoff(e));
            }
            return 0;
        }
        if (conflicts > 0) {
            log.info("Telegram bot: no other poller now; polling again");
        }
        if (failures > 0) {
            log.info("Telegram bot: getUpdates works again after {} failed tries", failures);
        }
        conflicts = 0;
        failures = 0;
        for (Update update : updates) {
            db.setting(OFFSET, String.valueOf(update.updateId() + 1));
            try {
                commands.handle(update);
            } catch (RuntimeException e) {
                log.warn("Telegram bot: update {} could not be handled: {}", update.updateId(), e.toString());
            }
        }
        return updates.size();
    }

    private void learnName() {
        try {
            Update.User me = api.getMe();
            commands.botUsername(me.username());
            knowsMe = true;
        } catch (BotApiException e) {
            log.debug("getMe failed: {}", e.getMessage()); // getUpdates reports what is wrong
        }
    }

    private Duration backoff(BotApiException e) {
        switch (e.kind()) {
            case CONFLICT -> {
                conflicts++;
                if (conflicts == 1) {
                    log.warn("Telegram bot: {}. Only one poller per bot token may run: the controller's, or the "
                            + "standby's while it has taken over. Backing off until the other stops.", e.getMessage());
                }
                Duration wait = CONFLICT_BACKOFF.multipliedBy(1L << Math.min(conflicts - 1, 4));
                return wait.compareTo(MAX_CONFLICT_BACKOFF) > 0 ? MAX_CONFLICT_BACKOFF : wait;
            }
            case RATE_LIMITED -> {
                return e.retryAfter() != null ? e.retryAfter() : MAX_BACKOFF;
            }
            default -> {
                failures++;
                if (failures == 1) {
                    log.warn("Telegram bot: {}; retrying with backoff", e.getMessage());
                }
                Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 6));
                return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
            }
        }
    }

    private void run() {
        while (!stopped) {
            try {
                pollOnce();
            } catch (InterruptedException e) {
                return;
            } catch (AlertDbException e) {
                log.error("Telegram bot: the update offset cannot be read or saved: {}; trying again in {}s",
                        e.getMessage(), MAX_BACKOFF.toSeconds());
                try {
                    sleeper.sleep(MAX_BACKOFF);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
