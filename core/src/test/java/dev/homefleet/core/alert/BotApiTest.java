package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.alert.FakeBotApi.Answer;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotApiException;
import dev.homefleet.core.alert.telegram.BotApiException.Kind;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.alert.telegram.Update;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Bot API client against a local server that answers as Telegram documents. */
class BotApiTest extends TelegramTestBase {

    private BotApi api;

    @BeforeEach
    void client() {
        api = api();
    }

    @Test
    void get_me_names_the_bot() throws Exception {
        Update.User me = api.getMe();

        assertThat(me.id()).isEqualTo(FakeBotApi.BOT_ID);
        assertThat(me.isBot()).isTrue();
        assertThat(me.username()).isEqualTo(FakeBotApi.BOT_USERNAME);
    }

    @Test
    void send_message_posts_html_to_the_chat() throws Exception {
        long id = api.sendMessage(Specs.CHAT, "<b>macmini</b> is down");

        assertThat(id).isPositive();
        assertThat(telegram.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.chatId()).isEqualTo(Specs.CHAT);
            assertThat(sent.text()).isEqualTo("<b>macmini</b> is down");
            assertThat(sent.parseMode()).isEqualTo("HTML");
        });
    }

    @Test
    void get_updates_reads_text_messages_from_the_offset_on() throws Exception {
        long first = telegram.message(Specs.CHAT, Specs.ADMIN, "/status");
        long second = telegram.message(Specs.CHAT, Specs.MEMBER, "/ports macmini");

        List<Update> all = api.getUpdates(0, Duration.ZERO);
        List<Update> later = api.getUpdates(second, Duration.ZERO);

        assertThat(all).extracting(Update::updateId).containsExactly(first, second);
        assertThat(all.get(0).message().text()).isEqualTo("/status");
        assertThat(all.get(0).message().chat().id()).isEqualTo(Specs.CHAT);
        assertThat(all.get(0).message().from().id()).isEqualTo(Specs.ADMIN);
        assertThat(later).extracting(Update::updateId).containsExactly(second);
        assertThat(telegram.pendingUpdates()).isEqualTo(1); // the offset confirmed the first
    }

    @Test
    void a_429_says_how_long_to_wait() {
        telegram.script("sendMessage", Answer.tooManyRequests(17));

        assertThatThrownBy(() -> api.sendMessage(Specs.CHAT, "x"))
                .isInstanceOfSatisfying(BotApiException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(17));
                    assertThat(e.transientFailure()).isTrue();
                });
    }

    @Test
    void failures_are_sorted_by_what_to_do_about_them() {
        telegram.script("getUpdates", Answer.error(409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
        telegram.script("sendMessage", Answer.error(502, "Bad Gateway"));
        telegram.script("sendMessage", Answer.json(503, "<html>Service Unavailable</html>"));
        telegram.script("sendMessage", Answer.error(400, "Bad Request: chat not found"));
        telegram.script("sendMessage", Answer.error(403, "Forbidden: bot was blocked by the user"));

        assertThat(kind(() -> api.getUpdates(0, Duration.ZERO))).isEqualTo(Kind.CONFLICT);
        assertThat(kind(() -> api.sendMessage(1, "x"))).isEqualTo(Kind.SERVER);
        assertThat(kind(() -> api.sendMessage(1, "x"))).isEqualTo(Kind.SERVER);
        assertThat(kind(() -> api.sendMessage(1, "x"))).isEqualTo(Kind.REJECTED);
        assertThat(kind(() -> api.sendMessage(1, "x"))).isEqualTo(Kind.REJECTED);
        telegram.down(() -> true); // every connection dropped (OkHttp's own retry included)
        assertThat(kind(() -> api.sendMessage(1, "x"))).isEqualTo(Kind.NETWORK);
    }

    @Test
    void a_wrong_token_is_unauthorized_and_says_what_to_check() {
        BotApi wrong = new BotApi(telegram.url(), new BotToken("987:wrong-token"), http);

        assertThatThrownBy(wrong::getMe).isInstanceOfSatisfying(BotApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("alerts.telegram.bot_token").doesNotContain("987:wrong-token");
        });
    }

    @Test
    void the_token_never_appears_in_an_exception_even_when_telegram_or_okhttp_repeat_the_url() throws Exception {
        telegram.script("sendMessage", Answer.error(400, "Bad Request: no such method /bot" + FakeBotApi.TOKEN
                + "/sendMessage"));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BotApi nowhere = new BotApi("http://127.0.0.1:" + closedPort, new BotToken(FakeBotApi.TOKEN), http);

        BotApiException described = thrown(() -> api.sendMessage(1, "x"));
        BotApiException unreachable = thrown(() -> nowhere.sendMessage(1, "x"));

        for (BotApiException e : List.of(described, unreachable)) {
            assertThat(e.getMessage()).doesNotContain(FakeBotApi.TOKEN).doesNotContain("AAHdqTcv");
            assertThat(e.toString()).doesNotContain(FakeBotApi.TOKEN);
            assertThat(e.getCause()).isNull();
        }
        assertThat(described.getMessage()).contains("<redacted>");
        assertThat(unreachable.kind()).isEqualTo(Kind.NETWORK);
        assertThat(unreachable.getMessage()).contains("127.0.0.1:" + closedPort);
        assertThat(new BotToken(FakeBotApi.TOKEN).toString()).isEqualTo("<redacted>");
    }

    @Test
    void cancel_poll_ends_a_long_poll_at_once() throws Exception {
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            api.cancelPoll();
        });
        canceller.start();

        assertThat(kind(() -> api.getUpdates(0, Duration.ofSeconds(2)))).isEqualTo(Kind.NETWORK);
        canceller.join();
    }

    private interface ApiCall {
        Object call() throws BotApiException;
    }

    private static Kind kind(ApiCall call) {
        return thrown(call).kind();
    }

    private static BotApiException thrown(ApiCall call) {
        try {
            call.call();
        } catch (BotApiException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }
}
