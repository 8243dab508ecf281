package dev.homefleet.core.alert;

import dev.homefleet.core.alert.store.AlertDbException;
import dev.homefleet.core.alert.store.Outbox;
import dev.homefleet.core.alert.store.Outbox.Message;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to Telegram, oldest first, one message at a time: a message leaves the outbox only once Telegram
 * accepted it, so nothing is lost and order holds (a message that fails blocks the ones behind it). Network errors
 * and 5xx back off exponentially (1s, 2s, 4s ... at most a minute); a 429 waits exactly its {@code retry_after};
 * a chat gets at most one message per {@link #DEFAULT_PER_CHAT}; a message Telegram refuses for good (chat not
 * found, bot blocked) is set aside in the {@code dead} table so the queue moves on.
 *
 * <p>{@link #step()} does one thing and says when to come back, so tests drive it in simulated time; {@link #run()}
 * is the loop a daemon thread runs.
 */
public final class OutboxSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);

    /** Telegram: "avoid sending more than one message per second" to one chat. */
    public static final Duration DEFAULT_PER_CHAT = Duration.ofSeconds(1);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** A rejected token does not fix itself quickly; try again now and then, quietly. */
    static final Duration UNAUTHORIZED_BACKOFF = Duration.ofMinutes(5);
    /** How long an idle loop waits for {@link #wake()} before it looks at the outbox again. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);

    /** What {@link #step()} did, and when to call it again. */
    public sealed interface Step {
        /** Telegram accepted it. */
        record Sent(Message message) implements Step {}

        /** Telegram refused it for good: set aside. */
        record Refused(Message message, String reason) implements Step {}

        /** Nothing to send. */
        record Idle() implements Step {}

        /** Come back at {@code at} (backoff, retry_after, or the per-chat pace). */
        record WaitUntil(Instant at) implements Step {}
    }

    private final Outbox outbox;
    private final BotApi api;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration perChat;
    private final Map<Long, Instant> lastSent = new HashMap<>();
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean stopped;
    private Instant retryAt;
    private int failures;
    private volatile String lastError;

    public OutboxSender(Outbox outbox, BotApi api, Clock clock, Sleeper sleeper, Duration perChat) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.perChat = Objects.requireNonNull(perChat, "perChat");
    }

    /** Tries the next message once if it may be sent now. */
    public synchronized Step step() {
        Message message = outbox.next().orElse(null);
        if (message == null) {
            return new Step.Idle();
        }
        Instant now = clock.instant();
        if (retryAt != null && now.isBefore(retryAt)) {
            return new Step.WaitUntil(retryAt);
        }
        Instant last = lastSent.get(message.chatId());
        if (last != null && now.isBefore(last.plus(perChat))) {
            return new Step.WaitUntil(last.plus(perChat));
        }
        try {
            api.sendMessage(message.chatId(), message.text());
        } catch (BotApiException e) {
            return failed(message, e);
        }
        outbox.delivered(message.id());
        lastSent.put(message.chatId(), clock.instant());
        if (failures > 0) {
            log.info("Telegram accepts messages again after {} failed tries; {} message(s) left in the outbox",
                    failures, outbox.size());
        }
        failures = 0;
        retryAt = null;
        lastError = null;
        return new Step.Sent(message);
    }

    /** Why the last try failed (free of the token), or null after a success. */
    public String lastError() {
        return lastError;
    }

    private Step failed(Message message, BotApiException e) {
        Instant now = clock.instant();
        lastError = e.getMessage();
        switch (e.kind()) {
            case RATE_LIMITED -> {
                Duration wait = e.retryAfter() != null ? e.retryAfter() : backoff(++failures);
                retryAt = now.plus(wait);
                log.info("Telegram asks to slow down (429): waiting {}s before the next message; {} in the outbox",
                        wait.toSeconds(), outbox.size());
                return new Step.WaitUntil(retryAt);
            }
            case REJECTED -> {
                outbox.bury(message, e.getMessage(), now);
                log.error("Telegram refused a message to chat {} for good, so it is set aside (table dead in {}): {}; "
                        + "check alerts.telegram.chat_ids and that the bot is in that chat",
                        message.chatId(), outbox.db().file(), e.getMessage());
                return new Step.Refused(message, e.getMessage());
            }
            case UNAUTHORIZED -> {
                failures++;
                outbox.failed(message.id());
                retryAt = now.plus(UNAUTHORIZED_BACKOFF);
                if (failures == 1) {
                    log.error("{}; the outbox ({} message(s)) waits and retries every {}m", e.getMessage(),
                            outbox.size(), UNAUTHORIZED_BACKOFF.toMinutes());
                }
                return new Step.WaitUntil(retryAt);
            }
            default -> {
                failures++;
                outbox.failed(message.id());
                Duration wait = backoff(failures);
                retryAt = now.plus(wait);
                if (failures == 1) {
                    log.warn("{}; the outbox keeps {} message(s) and retries with backoff (up to every {}s)",
                            e.getMessage(), outbox.size(), MAX_BACKOFF.toSeconds());
                } else {
                    log.debug("try {} failed: {}; next in {}s", failures, e.getMessage(), wait.toSeconds());
                }
                return new Step.WaitUntil(retryAt);
            }
        }
    }

    /** 1s, 2s, 4s ... {@link #MAX_BACKOFF}. */
    static Duration backoff(int failures) {
        int doublings = Math.min(failures - 1, 16);
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << doublings);
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /**
     * Sends until the outbox is empty, waiting through the sleeper as {@link #step()} asks, for at most
     * {@code attempts} tries; for tests and {@code fleet alert test}.
     *
     * @return the number of messages Telegram accepted
     */
    public int drain(int attempts) throws InterruptedException {
        int sent = 0;
        for (int i = 0; i < attempts; i++) {
            Step step = step();
            if (step instanceof Step.Idle) {
                return sent;
            }
            if (step instanceof Step.Sent) {
                sent++;
            } else if (step instanceof Step.WaitUntil wait) {
                sleeper.sleep(Duration.between(clock.instant(), wait.at()));
            }
        }
        return sent;
    }

    /** New messages are in the outbox: an idle loop looks now rather than within a second. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Ends {@link #run()} after its current step (a sleep ends at once when its thread is interrupted). */
    public void stop() {
        stopped = true;
        wake();
    }

    /** Sends for as long as it is not stopped. */
    @Override
    public void run() {
        while (!stopped) {
            try {
                Step step = step();
                if (step instanceof Step.Idle) {
                    synchronized (signal) {
                        if (!woken && !stopped) {
                            signal.wait(IDLE_POLL.toMillis());
                        }
                        woken = false;
                    }
                } else if (step instanceof Step.WaitUntil wait) {
                    sleeper.sleep(Duration.between(clock.instant(), wait.at()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return; // closed under a send in flight: the message stays queued for the next start
                }
                // Any failure (the database, a bug) backs off and tries again: the sender thread must not die.
                log.error("the alert outbox cannot be read or written: {}; trying again in {}s",
                        e instanceof AlertDbException ? e.getMessage() : e.toString(), MAX_BACKOFF.toSeconds());
                try {
                    sleeper.sleep(MAX_BACKOFF);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
