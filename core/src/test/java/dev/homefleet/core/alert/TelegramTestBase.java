package dev.homefleet.core.alert;

import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotToken;
import java.io.IOException;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notifier in simulated time (from Saturday 2025-06-07 14:00 UTC) against a local Bot API, with its alert
 * database in a temporary directory; what every Telegram test starts from.
 */
abstract class TelegramTestBase {

    @TempDir
    Path dir;

    final FakeTime time = new FakeTime();
    final OkHttpClient http = new OkHttpClient();
    FakeBotApi telegram;
    Specs spec;
    /** The one {@link #open()} made last; closed after the test. */
    TelegramNotifier notifier;

    @BeforeEach
    void startTelegram() throws IOException {
        telegram = new FakeBotApi(time);
        spec = Specs.telegram(telegram.url());
    }

    @AfterEach
    void stopTelegram() {
        if (notifier != null) {
            notifier.close();
        }
        telegram.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    BotApi api() {
        return new BotApi(telegram.url(), new BotToken(FakeBotApi.TOKEN), http);
    }

    /** A notifier on {@code dir/alerts.db} with the spec as the test left it; the same file each time. */
    TelegramNotifier open() {
        notifier = new TelegramNotifier(spec.build(), api(), AlertDb.open(dir.resolve("alerts.db")), time, time,
                OutboxSender.DEFAULT_PER_CHAT);
        return notifier;
    }
}
