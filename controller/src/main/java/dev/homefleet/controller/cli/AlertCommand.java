package dev.homefleet.controller.cli;

import dev.homefleet.controller.alert.ControllerAlerts;
import dev.homefleet.core.alert.OutboxSender;
import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.Outbox;
import dev.homefleet.core.alert.telegram.BotApiException;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.alert.telegram.Update;
import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "alert", mixinStandardHelpOptions = true,
        description = "Telegram alerts: `fleet alert test` sends one message to every chat of alerts.telegram.")
final class AlertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    static CommandLine commandLine(CliContext context) {
        return new CommandLine(new AlertCommand()).addSubcommand(new Test(context));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand, e.g. fleet alert test");
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Send one test message to every chat of alerts.telegram, through the outbox "
                    + "(DATA_DIR/alerts.db) as every alert goes: checks the bot token, the chats and the way to "
                    + "Telegram. When the controller runs, it sends the message; otherwise this command does.",
                    "Exits 0 when Telegram accepted it in every chat, 1 otherwise (it stays queued)."})
    static final class Test implements Callable<Integer> {
        static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
        private static final Duration POLL = Duration.ofMillis(200);

        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--text", paramLabel = "TEXT", description = "The message (default: a line naming this machine).")
        String text;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30s",
                description = "How long to wait for Telegram to accept it (default 30s).")
        String wait;

        Test(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Duration patience;
            try {
                patience = Durations.parse(wait);
            } catch (IllegalArgumentException e) {
                throw new FleetCommand.UsageException("--wait: " + e.getMessage());
            }
            LoadResult result = options.load(context);
            if (!result.ok()) {
                return Output.refuse(err, result, "; fix them first");
            }
            FleetConfig config = result.config();
            AlertsSpec.Telegram telegram = config.alerts().telegram();
            if (telegram == null) {
                err.println("fleet: fleet.yaml has no alerts.telegram section; add one (docs/fleet-yaml.md, alerts)");
                return ExitCodes.FINDING;
            }
            if (telegram.chatIds().isEmpty()) {
                err.println("fleet: alerts.telegram.chat_ids is empty, so there is no chat to send to; send your bot "
                        + "a message, then read message.chat.id from the Bot API's getUpdates");
                return ExitCodes.FINDING;
            }
            BotToken token;
            try {
                token = BotToken.resolve(telegram.botToken(), context.environment(), context.home());
            } catch (IllegalStateException e) {
                err.println("fleet: " + e.getMessage());
                return ExitCodes.FINDING;
            }
            Path database = ControllerAlerts.database(config, context.home());
            OkHttpClient http = new OkHttpClient();
            try (TelegramNotifier notifier = TelegramNotifier.open(telegram, token, database, http)) {
                Update.User me;
                try {
                    me = notifier.api().getMe();
                } catch (BotApiException e) {
                    err.println("fleet: the bot does not answer: " + e.getMessage());
                    return ExitCodes.FINDING;
                }
                List<Long> ids = notifier.queueTest(text != null ? text : defaultText());
                out.println("queued a test message to " + ids.size() + " chat(s) as @" + me.username() + " in "
                        + database);
                Optional<AlertDb.SenderLock> lock = notifier.outbox().db().trySenderLock();
                boolean sent;
                if (lock.isPresent()) {
                    try (AlertDb.SenderLock held = lock.get()) {
                        sent = send(notifier, ids, patience);
                    }
                } else {
                    out.println("the controller is running and sends it");
                    sent = awaitSent(notifier, ids, patience);
                }
                List<Outbox.Dead> refused = notifier.outbox().dead(1_000).stream()
                        .filter(dead -> ids.contains(dead.id())).toList();
                for (Outbox.Dead dead : refused) {
                    err.println("fleet: Telegram refused it in chat " + dead.chatId() + ": " + dead.reason());
                }
                if (sent && refused.isEmpty()) {
                    out.println("Telegram accepted it in every chat: " + telegram.chatIds());
                    return ExitCodes.OK;
                }
                if (sent) {
                    return ExitCodes.FINDING;
                }
                String why = notifier.sender().lastError();
                err.println("fleet: Telegram has not accepted it within " + Durations.format(patience)
                        + (why == null ? "" : ": " + why) + "; it stays queued and is sent when Telegram answers");
                return ExitCodes.FINDING;
            } finally {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
            }
        }

        /** Sends the outbox (older messages first) until ours are gone or time is up. */
        private static boolean send(TelegramNotifier notifier, List<Long> ids, Duration patience)
                throws InterruptedException {
            Instant deadline = Instant.now().plus(patience);
            while (pending(notifier, ids)) {
                OutboxSender.Step step = notifier.sender().step();
                if (step instanceof OutboxSender.Step.WaitUntil until) {
                    if (until.at().isAfter(deadline)) {
                        return false;
                    }
                    Thread.sleep(Math.max(0, Duration.between(Instant.now(), until.at()).toMillis()));
                } else if (step instanceof OutboxSender.Step.Idle) {
                    break;
                }
            }
            return !pending(notifier, ids);
        }

        private static boolean awaitSent(TelegramNotifier notifier, List<Long> ids, Duration patience)
                throws InterruptedException {
            long deadline = System.nanoTime() + patience.toNanos();
            while (pending(notifier, ids) && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            }
            return !pending(notifier, ids);
        }

        private static boolean pending(TelegramNotifier notifier, List<Long> ids) {
            return ids.stream().anyMatch(notifier.outbox()::contains);
        }

        private static String defaultText() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "this machine";
            }
            return "homefleet test alert from " + host + ": if you read this, alerts reach this chat.";
        }
    }
}
