package dev.homefleet.agent.failover;

import dev.homefleet.core.alert.Alert;
import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.alert.bot.BotPoller;
import dev.homefleet.core.alert.bot.FleetView;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.FleetConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby's own line to Telegram: the controller usually runs on the machine that just failed, so the standby
 * tells the chat itself, through its own outbox ({@code DATA_DIR/alerts.db} on the standby). A takeover opens an
 * incident (critical), a yield resolves it with its length, a failed action is critical. While this machine is
 * active it also runs the bot's one poller (the controller, being down, is not polling), and stops it on yield.
 */
public final class TelegramFailoverAlerts implements FailoverAlerts, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelegramFailoverAlerts.class);

    private final TelegramNotifier notifier;
    private final Supplier<List<FailoverStatus>> statuses;
    private final OkHttpClient http;
    private BotPoller bot;

    TelegramFailoverAlerts(TelegramNotifier notifier, Supplier<List<FailoverStatus>> statuses, OkHttpClient http) {
        this.notifier = notifier;
        this.statuses = statuses;
        this.http = http;
    }

    /** Empty (and logged) when fleet.yaml has no Telegram section or its bot token is not set on this machine. */
    public static Optional<TelegramFailoverAlerts> open(FleetConfig fleet, Map<String, String> environment, Path home,
            Path dataDir, Supplier<List<FailoverStatus>> statuses) {
        AlertsSpec.Telegram telegram = fleet.alerts().telegram();
        if (telegram == null || fleet.failover().isEmpty()) {
            return Optional.empty();
        }
        BotToken token;
        try {
            token = BotToken.resolve(telegram.botToken(), environment, home);
        } catch (IllegalStateException e) {
            log.warn("{}; failover transitions are only logged here", e.getMessage());
            return Optional.empty();
        }
        OkHttpClient http = new OkHttpClient();
        TelegramNotifier notifier = TelegramNotifier.open(telegram, token, dataDir.resolve("alerts.db"), http);
        if (!notifier.start()) {
            log.warn("another homefleet process sends from {}; failover alerts are queued there",
                    dataDir.resolve("alerts.db"));
        }
        return Optional.of(new TelegramFailoverAlerts(notifier, statuses, http));
    }

    @Override
    public synchronized void transition(FailoverEvent event) {
        String key = "failover:" + event.failover();
        FailoverState from = event.from();
        if (from == FailoverState.TAKEOVER_FAILED || from == FailoverState.YIELD_FAILED) {
            // a retried action worked at last: that incident is over, whatever comes next
            notifier.accept(Alert.resolved(key + ":action", "failover.failed").machine(event.standbyMachine())
                    .text(event.message()).at(event.at()).build());
        }
        Optional<Alert> alert = switch (event.to()) {
            case ACTIVE -> from == FailoverState.STANDBY || from == FailoverState.SUSPECT
                    ? Optional.of(Alert.problem(key, "failover.takeover").severity(Severity.CRITICAL)
                            .machine(event.standbyMachine()).text(event.message()).at(event.at()).build())
                    : Optional.empty();
            case STANDBY -> from.activeSide() || from == FailoverState.YIELD_FAILED
                    ? Optional.of(Alert.resolved(key, "failover.yield").machine(event.standbyMachine())
                            .text(event.message()).at(event.at()).build())
                    : Optional.empty();
            case TAKEOVER_FAILED, YIELD_FAILED -> Optional.of(Alert.problem(key + ":action", "failover.failed")
                    .severity(Severity.CRITICAL).machine(event.standbyMachine()).text(event.message())
                    .at(event.at()).build());
            default -> Optional.empty();
        };
        alert.ifPresent(notifier::accept);
        boolean active = event.to().activeSide();
        if (active && bot == null) {
            bot = notifier.bot(new StandbyView());
            bot.start();
        } else if (!active && bot != null) {
            bot.stop();
            bot = null;
        }
    }

    @Override
    public synchronized void close() {
        if (bot != null) {
            bot.stop();
        }
        notifier.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** What the standby can tell while the controller is away: its failovers; the rest waits for the controller. */
    private final class StandbyView implements FleetView {
        private static final String AWAY = "the controller is not answering (this is the standby speaking); ask again "
                + "once it is back";

        @Override
        public String status() {
            return failover() + "\n" + AWAY;
        }

        @Override
        public String services(String machine) {
            return AWAY;
        }

        @Override
        public String ports(String machine) {
            return AWAY;
        }

        @Override
        public String failover() {
            return statuses.get().stream().map(s -> s.name() + ": " + s.state().toString() + " (" + s.failures()
                    + " failed, " + s.successes() + " passed in a row)").collect(Collectors.joining("\n"));
        }

        @Override
        public List<String> serviceKeys() {
            return List.of();
        }

        @Override
        public String restart(String machine, String service) {
            throw new IllegalArgumentException("restarts go through the controller; " + AWAY);
        }
    }
}
