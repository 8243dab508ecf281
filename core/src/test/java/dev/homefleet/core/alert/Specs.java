package dev.homefleet.core.alert;

import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.AlertsSpec.Maintenance;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code alerts.telegram} for tests, as fleet.yaml would give it, with the test's changes. */
final class Specs {
    static final long CHAT = 1001;
    static final long OTHER_CHAT = 1002;
    static final long STRANGER_CHAT = 666;
    static final long ADMIN = 7;
    static final long MEMBER = 8;

    List<Long> chats = new ArrayList<>(List.of(CHAT));
    List<Long> admins = new ArrayList<>(List.of(ADMIN));
    Severity minSeverity = Severity.WARNING;
    List<String> events = new ArrayList<>();
    List<String> muted = new ArrayList<>();
    List<Maintenance> maintenance = new ArrayList<>();
    Duration fold = AlertsSpec.Telegram.DEFAULT_FOLD_WINDOW;
    Duration burst = AlertsSpec.Telegram.DEFAULT_BURST_WINDOW;
    Duration remind;
    String timezone = "UTC";
    final String url;

    private Specs(String url) {
        this.url = url;
    }

    static Specs telegram(String url) {
        return new Specs(url);
    }

    AlertsSpec.Telegram build() {
        return new AlertsSpec.Telegram(Secret.parse("${HOMEFLEET_TELEGRAM_BOT_TOKEN}"), chats, admins, minSeverity,
                events, muted, maintenance, fold, burst, remind, timezone, url);
    }
}
