package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.alert.FakeBotApi.Answer;
import dev.homefleet.core.alert.bot.BotPoller;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bot token is in every request URL; it must never reach a log line or the outbox's records. */
class RedactionTest extends TelegramTestBase {

    private static final String SECRET_PART = FakeBotApi.TOKEN.substring(FakeBotApi.TOKEN.indexOf(':') + 1);

    @Test
    void no_log_line_and_no_refused_message_record_holds_the_token() throws Exception {
        String url = "/bot" + FakeBotApi.TOKEN + "/sendMessage";
        telegram.script("sendMessage", Answer.error(500, "Internal error at " + url));
        telegram.script("sendMessage", Answer.tooManyRequests(3));
        telegram.script("sendMessage", Answer.error(400, "Bad Request: " + url + " chat not found"));
        telegram.script("getUpdates", Answer.error(409, "Conflict at " + url));
        telegram.script("getUpdates", Answer.error(401, "Unauthorized " + FakeBotApi.TOKEN));
        open();
        try (LogCapture logs = new LogCapture()) {
            notifier.queueTest("one");
            notifier.queueTest("two");
            notifier.sender().drain(20);
            BotPoller bot = notifier.bot(new BotTest.Fleet(), Duration.ZERO);
            bot.pollOnce();
            bot.pollOnce();
            telegram.down(() -> true);
            notifier.queueTest("three");
            notifier.sender().step();

            List<String> lines = logs.lines();
            assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
            assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain(SECRET_PART));
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("/bot<redacted>/sendMessage"));
            assertThat(lines).anySatisfy(line -> assertThat(line).contains("401 Unauthorized <redacted>"));
            assertThat(notifier.outbox().dead(10)).singleElement()
                    .satisfies(dead -> assertThat(dead.reason()).doesNotContain(SECRET_PART).contains("<redacted>"));
        }
    }
}
