package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.alert.FakeBotApi.Answer;
import dev.homefleet.core.alert.FakeBotApi.Sent;
import dev.homefleet.core.alert.OutboxSender.Step;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Nothing lost: the outbox, retries and Telegram's limits, in simulated time against a local Bot API. */
class DeliveryTest extends TelegramTestBase {

    @Test
    void a_60s_outage_with_50_alerts_delivers_them_all_after_recovery_in_order_and_none_twice() throws Exception {
        spec.burst = Duration.ZERO; // every alert its own message, to count them
        open();
        Instant recovery = time.instant().plus(Duration.ofSeconds(60));
        telegram.down(() -> time.instant().isBefore(recovery));

        for (int i = 0; i < 50; i++) {
            notifier.accept(Alerts.down("macmini", "svc-" + i, 3000 + i, time.instant()));
            notifier.tick();
            notifier.sender().step(); // the sender thread's turn: tries when its backoff allows
            time.advance(Duration.ofMillis(1200));
        }
        int triedDuringOutage = (int) telegram.calls().stream().filter("sendMessage"::equals).count();
        assertThat(telegram.sent()).isEmpty();
        assertThat(notifier.outbox().size()).isEqualTo(50);

        int delivered = notifier.sender().drain(1_000);

        assertThat(delivered).isEqualTo(50);
        List<String> services = telegram.texts().stream().map(t -> t.replaceAll("(?s).*macmini/(svc-\\d+).*", "$1"))
                .toList();
        assertThat(services).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "svc-" + i).toList());
        assertThat(notifier.outbox().size()).isZero();
        assertThat(notifier.outbox().dead(10)).isEmpty();
        // Exponential backoff: tries at 0s, 1s, 3s, 7s, 15s, 31s of the outage, not one per alert.
        assertThat(triedDuringOutage).isBetween(5, 8);
        assertThat(telegram.sent().get(0).at()).isAfterOrEqualTo(recovery);
    }

    @Test
    void backoff_doubles_from_one_second_up_to_a_minute() {
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(OutboxSender::backoff).map(Duration::toSeconds).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
    }

    @Test
    void a_429_waits_exactly_retry_after_then_sends() throws Exception {
        open();
        telegram.script("sendMessage", Answer.tooManyRequests(7));
        notifier.queueTest("hello");
        Instant start = time.instant();

        Step first = notifier.sender().step();
        int sent = notifier.sender().drain(10);

        assertThat(first).isEqualTo(new Step.WaitUntil(start.plusSeconds(7)));
        assertThat(sent).isEqualTo(1);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
        assertThat(telegram.sent()).singleElement().satisfies(s -> assertThat(s.at()).isEqualTo(start.plusSeconds(7)));
    }

    @Test
    void a_chat_gets_at_most_one_message_a_second_and_two_chats_do_not_wait_for_each_other() throws Exception {
        spec.chats = List.of(Specs.CHAT, Specs.OTHER_CHAT);
        open();
        for (int i = 0; i < 4; i++) {
            notifier.queueTest("message " + i);
        }
        Instant start = time.instant();

        notifier.sender().drain(100);

        List<Sent> sent = telegram.sent();
        assertThat(sent).hasSize(8);
        for (long chat : List.of(Specs.CHAT, Specs.OTHER_CHAT)) {
            List<Instant> times = sent.stream().filter(s -> s.chatId() == chat).map(Sent::at).toList();
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }
        assertThat(Duration.between(start, time.instant())).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a_message_telegram_refuses_for_good_is_set_aside_and_the_queue_moves_on() throws Exception {
        open();
        telegram.script("sendMessage", Answer.error(400, "Bad Request: chat not found"));
        notifier.queueTest("first");
        notifier.queueTest("second");

        int sent = notifier.sender().drain(10);

        assertThat(sent).isEqualTo(1);
        assertThat(telegram.texts()).singleElement().asString().contains("second");
        assertThat(notifier.outbox().dead(10)).singleElement().satisfies(dead -> {
            assertThat(dead.text()).contains("first");
            assertThat(dead.reason()).contains("chat not found");
        });
    }

    @Test
    void server_errors_are_retried_and_the_message_keeps_its_place() throws Exception {
        open();
        telegram.script("sendMessage", Answer.error(500, "Internal Server Error"));
        telegram.script("sendMessage", Answer.json(502, "<html>Bad Gateway</html>"));
        notifier.queueTest("first");
        notifier.queueTest("second");

        notifier.sender().drain(20);

        assertThat(telegram.texts()).hasSize(2);
        assertThat(telegram.texts().get(0)).contains("first");
        assertThat(time.sleeps()).startsWith(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void after_a_restart_the_outbox_resumes_in_order() throws Exception {
        open();
        for (int i = 0; i < 6; i++) {
            notifier.queueTest("message " + i);
        }
        notifier.sender().drain(3); // sends 0, waits a second, sends 1
        notifier.close();
        notifier = null;
        List<String> before = telegram.texts();

        open();
        notifier.sender().drain(100);

        assertThat(before).hasSize(2);
        List<String> all = new ArrayList<>(telegram.texts());
        assertThat(all).containsExactlyElementsOf(IntStream.range(0, 6).mapToObj(i -> "🔔 message " + i).toList());
    }

    @Test
    void replies_to_commands_go_before_queued_alerts() throws Exception {
        open();
        notifier.queueTest("alert");
        notifier.outbox().add(Specs.CHAT, "reply", Outbox.Priority.REPLY, time.instant());

        notifier.sender().drain(10);

        assertThat(telegram.texts()).containsExactly("reply", "🔔 alert");
    }

    @Test
    void a_second_sender_on_the_same_outbox_is_refused_the_lock() {
        open();
        try (AlertDb other = AlertDb.open(dir.resolve("alerts.db"))) {
            var held = notifier.outbox().db().trySenderLock();
            assertThat(held).isPresent();
            assertThat(other.trySenderLock()).isEmpty();
            held.get().close();
            var next = other.trySenderLock();
            assertThat(next).isPresent();
            next.get().close();
        }
    }
}
