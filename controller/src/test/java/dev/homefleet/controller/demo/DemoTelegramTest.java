package dev.homefleet.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotApiException;
import dev.homefleet.core.alert.telegram.BotToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's stand-in for Telegram, driven by homefleet's own Bot API client as the controller and the agents drive
 * the real one: it answers as Telegram documents, and tells each message instead of delivering it.
 */
class DemoTelegramTest {
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final OkHttpClient http = new OkHttpClient();
    private DemoTelegram telegram;

    @BeforeEach
    void start() throws Exception {
        telegram = DemoTelegram.start((Instant at, String text) -> told.add(text));
    }

    @AfterEach
    void stop() {
        telegram.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private BotApi api(String token) {
        return new BotApi(telegram.url(), new BotToken(token), http);
    }

    @Test
    void a_message_is_told_as_a_phone_shows_it_and_answered_with_its_id() throws Exception {
        BotApi api = api(telegram.token());

        assertThat(api.getMe().username()).isEqualTo("homefleet_demo_bot");
        long first = api.sendMessage(DemoTelegram.CHAT_ID, "🔴 <b>macbook/gateway</b> is down\nconnection refused "
                + "&lt;2 checks&gt; &amp; more");
        long second = api.sendMessage(DemoTelegram.CHAT_ID, "✅ back");

        assertThat(told).containsExactly("🔴 macbook/gateway is down\nconnection refused <2 checks> & more", "✅ back");
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void nobody_writes_to_the_bot_so_a_poll_waits_its_timeout_and_brings_nothing() throws Exception {
        long start = System.nanoTime();

        assertThat(api(telegram.token()).getUpdates(0, Duration.ofSeconds(1))).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void a_held_poll_ends_when_the_demo_stops() throws Exception {
        BotApi api = api(telegram.token());
        CompletableFuture<Object> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return api.getUpdates(0, Duration.ofSeconds(40));
            } catch (BotApiException e) {
                return e.kind();
            }
        });
        Thread.sleep(300); // the poll is on its way (were it not yet, it would find the server gone: the same end)

        telegram.close();

        assertThat(poll.get(10, TimeUnit.SECONDS)).isEqualTo(BotApiException.Kind.NETWORK);
    }

    @Test
    void another_token_is_unauthorized_as_telegram_answers_it() {
        assertThatThrownBy(() -> api("123456789:not-the-demo-bots-token").sendMessage(DemoTelegram.CHAT_ID, "hi"))
                .isInstanceOfSatisfying(BotApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(BotApiException.Kind.UNAUTHORIZED));
        assertThat(told).isEmpty();
    }
}
