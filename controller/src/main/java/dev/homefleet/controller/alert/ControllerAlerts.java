package dev.homefleet.controller.alert;

import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.Paths;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the controller keeps its Telegram outbox, and the notifier fleet.yaml asks for. */
public final class ControllerAlerts {
    private static final Logger log = LoggerFactory.getLogger(ControllerAlerts.class);

    /** The outbox's file name inside {@code controller.data_dir}. */
    public static final String DATABASE = "alerts.db";

    private ControllerAlerts() {}

    /** {@code DATA_DIR/alerts.db}, next to the controller's own database. */
    public static Path database(FleetConfig config, Path home) {
        return Paths.expandHome(config.controller().dataDir(), home).resolve(DATABASE);
    }

    /**
     * The notifier for {@code alerts.telegram}, not started; empty (and logged) when fleet.yaml has no Telegram
     * section or its bot token is not set, so the controller runs without Telegram rather than not at all.
     */
    public static Optional<TelegramNotifier> open(FleetConfig config, Map<String, String> environment, Path home,
            OkHttpClient http) {
        AlertsSpec.Telegram telegram = config.alerts().telegram();
        if (telegram == null) {
            log.info("no alerts.telegram in fleet.yaml: alerts are not sent to Telegram");
            return Optional.empty();
        }
        BotToken token;
        try {
            token = BotToken.resolve(telegram.botToken(), environment, home);
        } catch (IllegalStateException e) {
            log.warn("{}; running without Telegram alerts", e.getMessage());
            return Optional.empty();
        }
        return Optional.of(TelegramNotifier.open(telegram, token, database(config, home), http));
    }
}
