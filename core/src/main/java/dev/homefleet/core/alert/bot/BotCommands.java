package dev.homefleet.core.alert.bot;

import static dev.homefleet.core.alert.Html.bold;
import static dev.homefleet.core.alert.Html.code;
import static dev.homefleet.core.alert.Html.escape;
import static dev.homefleet.core.alert.Html.pre;

import dev.homefleet.core.alert.Mutes;
import dev.homefleet.core.alert.telegram.Update;
import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.Durations;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bot answers, and only in the chats of {@code alerts.telegram.chat_ids}: a message from anywhere else is
 * ignored (and logged once per sender). {@code /restart} acts only for {@code admin_ids}, and only after the same
 * admin confirms with the code the bot sends back, within {@link #CONFIRM_WITHIN}.
 */
public final class BotCommands {
    private static final Logger log = LoggerFactory.getLogger(BotCommands.class);

    static final Duration CONFIRM_WITHIN = Duration.ofMinutes(2);
    /** A command that waited longer than this (the bot was down) is not acted on. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static final int MAX_LOGGED_SENDERS = 1_000;
    private static final int MAX_OUTPUT = 3_500;

    static final String HELP = "/status — the fleet in a few lines\n"
            + "/services [MACHINE] — services and their health\n"
            + "/ports [MACHINE] — declared ports\n"
            + "/failover — failover pairs\n"
            + "/restart MACHINE/SERVICE — restart one service (admins, with confirmation)\n"
            + "/mute SERVICE DURATION — silence a service's alerts, e.g. /mute aphos-web 2h\n"
            + "/unmute SERVICE";

    /** Where answers go: the outbox, as replies. */
    @FunctionalInterface
    public interface Replies {
        void reply(long chatId, String html);
    }

    private record Pending(String machine, String service, String code, Instant expires) {}

    private final Supplier<AlertsSpec.Telegram> spec;
    private final FleetView fleet;
    private final Mutes mutes;
    private final Clock clock;
    private final ZoneId zone;
    private final Replies replies;
    private final Random random;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Set<String> loggedSenders = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile String botUsername;

    public BotCommands(Supplier<AlertsSpec.Telegram> spec, FleetView fleet, Mutes mutes, Clock clock, ZoneId zone,
            Replies replies) {
        this(spec, fleet, mutes, clock, zone, replies, new SecureRandom());
    }

    BotCommands(Supplier<AlertsSpec.Telegram> spec, FleetView fleet, Mutes mutes, Clock clock, ZoneId zone,
            Replies replies, Random random) {
        this.spec = spec;
        this.fleet = fleet;
        this.mutes = mutes;
        this.clock = clock;
        this.zone = zone;
        this.replies = replies;
        this.random = random;
    }

    /** The bot's username (from getMe): commands addressed to another bot ({@code /status@other}) are not ours. */
    public void botUsername(String username) {
        this.botUsername = username;
    }

    /** Answers one update, if it is a command from an allowed chat. */
    public synchronized void handle(Update update) {
        Update.Message message = update.message();
        if (message == null || message.text() == null || message.chat() == null) {
            return;
        }
        long chat = message.chat().id();
        if (!spec.get().chatIds().contains(chat)) {
            ignore(message);
            return;
        }
        String text = message.text().strip();
        if (!text.startsWith("/")) {
            return;
        }
        String[] words = text.split("\\s+");
        String command = words[0].substring(1);
        int at = command.indexOf('@');
        if (at >= 0) {
            String to = command.substring(at + 1);
            if (botUsername == null || !to.equalsIgnoreCase(botUsername)) {
                return; // addressed to another bot in the group
            }
            command = command.substring(0, at);
        }
        command = command.toLowerCase(Locale.ROOT);
        String arg = words.length > 1 ? words[1] : null;
        Instant sent = Instant.ofEpochSecond(message.date());
        boolean acts = command.equals("restart") || command.equals("confirm") || command.equals("mute")
                || command.equals("unmute");
        if (acts && message.date() > 0 && clock.instant().isAfter(sent.plus(STALE_AFTER))) {
            reply(chat, "That /" + escape(command) + " was sent at " + time(sent)
                    + ", too long ago to act on; send it again.");
            return;
        }
        try {
            switch (command) {
                case "status" -> reply(chat, output(fleet.status()));
                case "services" -> reply(chat, output(fleet.services(arg)));
                case "ports" -> reply(chat, output(fleet.ports(arg)));
                case "failover" -> reply(chat, output(fleet.failover()));
                case "restart" -> restart(message, arg);
                case "confirm" -> confirm(message, arg);
                case "mute" -> mute(message, arg, words.length > 2 ? words[2] : null);
                case "unmute" -> unmute(chat, arg);
                case "start", "help" -> reply(chat, escape(HELP));
                default -> reply(chat, "I do not know /" + escape(command) + ". I answer:\n" + escape(HELP));
            }
        } catch (IllegalArgumentException e) {
            reply(chat, escape(e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("/{} failed: {}", command, e.toString());
            reply(chat, "/" + escape(command) + " failed: " + escape(String.valueOf(e.getMessage())));
        }
    }

    private void restart(Update.Message message, String target) {
        long chat = message.chat().id();
        if (!admin(message)) {
            reply(chat, "Only admins may restart services (alerts.telegram.admin_ids). Your user id is "
                    + code(message.from() == null ? "unknown" : String.valueOf(message.from().id())) + ".");
            return;
        }
        String[] parts = service(target);
        String confirmation = String.format("%04d", random.nextInt(10_000));
        pending.put(sender(message), new Pending(parts[0], parts[1], confirmation,
                clock.instant().plus(CONFIRM_WITHIN)));
        reply(chat, "Restart " + bold(parts[0] + "/" + parts[1]) + "? To go ahead, send "
                + code("/confirm " + confirmation) + " within " + CONFIRM_WITHIN.toMinutes() + " minutes.");
    }

    private void confirm(Update.Message message, String code) {
        long chat = message.chat().id();
        Pending waiting = pending.remove(sender(message));
        if (waiting == null || !admin(message)) {
            reply(chat, "Nothing to confirm: send /restart MACHINE/SERVICE first.");
            return;
        }
        if (clock.instant().isAfter(waiting.expires())) {
            reply(chat, "That confirmation expired; send /restart " + escape(waiting.machine() + "/"
                    + waiting.service()) + " again.");
            return;
        }
        if (!waiting.code().equals(code)) {
            reply(chat, "That code does not match; nothing was restarted. Send /restart again for a new code.");
            return;
        }
        String target = waiting.machine() + "/" + waiting.service();
        log.info("restarting {} at the request of Telegram user {} in chat {}", target,
                message.from() == null ? "?" : message.from().id(), chat);
        try {
            reply(chat, "✅ " + bold(target) + ": " + escape(fleet.restart(waiting.machine(), waiting.service())));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            reply(chat, "🔴 " + bold(target) + " did not restart: " + escape(String.valueOf(e.getMessage())));
        }
    }

    private void mute(Update.Message message, String target, String duration) {
        long chat = message.chat().id();
        if (target == null) {
            Map<String, Instant> active = mutes.active();
            reply(chat, active.isEmpty() ? "Nothing is muted. " + escape("/mute SERVICE DURATION, e.g. /mute aphos-web 2h")
                    : "Muted:\n" + String.join("\n", active.entrySet().stream()
                            .map(e -> "• " + escape(e.getKey()) + " until " + time(e.getValue())).toList()));
            return;
        }
        known(target);
        if (duration == null) {
            throw new IllegalArgumentException("For how long? e.g. /mute " + target + " 2h");
        }
        Duration length = Durations.parse(duration);
        if (length.isZero()) {
            throw new IllegalArgumentException("A mute of 0s mutes nothing; e.g. /mute " + target + " 2h");
        }
        String by = message.from() == null ? "telegram" : "telegram user " + message.from().id();
        Instant until = mutes.mute(target, length, by);
        log.info("{} muted {} until {} from chat {}", by, target, until, chat);
        reply(chat, "🔕 " + bold(target) + " is muted until " + time(until) + ". /unmute " + escape(target)
                + " to hear it again.");
    }

    private void unmute(long chat, String target) {
        if (target == null) {
            throw new IllegalArgumentException("Unmute what? e.g. /unmute aphos-web");
        }
        reply(chat, mutes.unmute(target) ? "🔔 " + bold(target) + " is no longer muted."
                : escape(target) + " was not muted.");
    }

    /** MACHINE/SERVICE, declared. */
    private String[] service(String target) {
        int slash = target == null ? -1 : target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw new IllegalArgumentException("Name the service as MACHINE/SERVICE, e.g. /restart "
                    + fleet.serviceKeys().stream().findFirst().orElse("macmini/aphos-server"));
        }
        if (!fleet.serviceKeys().contains(target)) {
            throw new IllegalArgumentException("There is no service " + target + " in fleet.yaml; the services are "
                    + String.join(", ", fleet.serviceKeys()));
        }
        return new String[] {target.substring(0, slash), target.substring(slash + 1)};
    }

    /** A service name, MACHINE/SERVICE, or a machine. */
    private void known(String target) {
        List<String> keys = fleet.serviceKeys();
        boolean found = keys.contains(target) || keys.stream().anyMatch(k -> k.endsWith("/" + target)
                || k.startsWith(target + "/"));
        if (!found) {
            throw new IllegalArgumentException("There is no service or machine " + target + " in fleet.yaml");
        }
    }

    private boolean admin(Update.Message message) {
        return message.from() != null && spec.get().adminIds().contains(message.from().id());
    }

    private void ignore(Update.Message message) {
        String sender = sender(message);
        if (loggedSenders.size() < MAX_LOGGED_SENDERS && loggedSenders.add(sender)) {
            log.warn("ignoring messages from chat {} ({}): it is not in alerts.telegram.chat_ids; add it there if "
                    + "the bot should answer it", message.chat().id(),
                    message.from() == null ? "no sender" : message.from().shown() + ", user " + message.from().id());
        }
    }

    private static String sender(Update.Message message) {
        return message.chat().id() + ":" + (message.from() == null ? "" : message.from().id());
    }

    private static String output(String text) {
        String shown = text == null || text.isBlank() ? "(nothing)" : text.strip();
        if (shown.length() > MAX_OUTPUT) {
            shown = shown.substring(0, MAX_OUTPUT) + "\n… (cut; the dashboard has it all)";
        }
        return pre(shown);
    }

    private String time(Instant at) {
        return at.atZone(zone).format(DateTimeFormatter.ofPattern("EEE HH:mm", Locale.ENGLISH));
    }

    private void reply(long chat, String html) {
        replies.reply(chat, html);
    }
}
