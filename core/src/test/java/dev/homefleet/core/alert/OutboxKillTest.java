package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} of a process sending its outbox: after a restart the rest is delivered, in order. */
class OutboxKillTest {

    private static final int MESSAGES = 30;
    private static final int SENT_BEFORE_KILL = 8;

    @TempDir
    Path dir;

    @Test
    void after_a_kill_the_rest_is_delivered_and_only_the_message_in_flight_may_arrive_twice() throws Exception {
        Path db = dir.resolve("alerts.db");
        OkHttpClient http = new OkHttpClient();
        try (FakeBotApi telegram = new FakeBotApi(Clock.systemUTC())) {
            telegram.sendDelay(Duration.ofMillis(150)); // a message is in flight most of the time
            ProcessBuilder builder = new ProcessBuilder(java(), "-cp", classPath(), OutboxChild.class.getName(),
                    db.toString(), telegram.url(), String.valueOf(MESSAGES))
                    .redirectError(dir.resolve("child.err").toFile());
            builder.environment().put("HOMEFLEET_TELEGRAM_BOT_TOKEN", FakeBotApi.TOKEN);
            Process child = builder.start();
            try {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    assertThat(out.readLine()).as("the child's first line; its stderr:\n%s", errors())
                            .isEqualTo("queued " + MESSAGES);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (telegram.sent().size() < SENT_BEFORE_KILL && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(child.isAlive()).as("the child died by itself:\n%s", errors()).isTrue();
                child.destroyForcibly(); // SIGKILL: no shutdown hook, mid-send
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            int beforeRestart = telegram.texts().size();
            Thread.sleep(300); // a send the child started is answered (and recorded) by now
            List<String> atKill = telegram.texts();

            TelegramNotifier restarted = new TelegramNotifier(Specs.telegram(telegram.url()).build(),
                    new BotApi(telegram.url(), new BotToken(FakeBotApi.TOKEN), http), AlertDb.open(db),
                    Clock.systemUTC(), Sleeper.real(), Duration.ZERO);
            try {
                telegram.sendDelay(Duration.ZERO);
                restarted.sender().drain(1_000);
                assertThat(restarted.outbox().size()).isZero();
            } finally {
                restarted.close();
            }

            List<String> all = telegram.texts();
            List<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "🔔 message " + i).toList();
            assertThat(beforeRestart).isGreaterThanOrEqualTo(SENT_BEFORE_KILL).isLessThan(MESSAGES);
            assertThat(new ArrayList<>(new LinkedHashSet<>(all))).as("first arrivals, in order")
                    .containsExactlyElementsOf(expected);
            List<String> twice = new ArrayList<>(all);
            expected.forEach(twice::remove);
            assertThat(twice).as("arrived twice").hasSizeLessThanOrEqualTo(1);
            twice.forEach(t -> assertThat(t).as("only the message in flight at the kill may come again")
                    .isEqualTo(atKill.get(atKill.size() - 1)));
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private String errors() throws Exception {
        Path err = dir.resolve("child.err");
        return Files.exists(err) ? Files.readString(err) : "";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire may hide the class path behind a manifest-only jar; that jar works for a child JVM too. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
