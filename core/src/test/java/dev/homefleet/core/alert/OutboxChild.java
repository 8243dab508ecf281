package dev.homefleet.core.alert;

import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotToken;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * A controller stand-in for {@link OutboxKillTest}: opens the outbox named by its first argument, queues the given
 * number of messages (one alert each), prints {@code queued}, then sends to the Bot API at its second argument
 * until it is killed. The token comes from {@code HOMEFLEET_TELEGRAM_BOT_TOKEN}, as in a real controller.
 */
public final class OutboxChild {

    private OutboxChild() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        String url = args[1];
        int count = Integer.parseInt(args[2]);
        Specs spec = Specs.telegram(url);
        spec.burst = Duration.ZERO;
        BotToken token = new BotToken(System.getenv("HOMEFLEET_TELEGRAM_BOT_TOKEN"));
        TelegramNotifier notifier = new TelegramNotifier(spec.build(), new BotApi(url, token, new OkHttpClient()),
                AlertDb.open(db), Clock.systemUTC(), Sleeper.real(), Duration.ZERO);
        for (int i = 0; i < count; i++) {
            notifier.queueTest("message " + i);
        }
        System.out.println("queued " + notifier.outbox().size());
        System.out.flush();
        notifier.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
