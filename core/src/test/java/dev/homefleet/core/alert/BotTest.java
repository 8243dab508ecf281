package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.alert.FakeBotApi.Answer;
import dev.homefleet.core.alert.bot.BotPoller;
import dev.homefleet.core.alert.bot.FleetView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bot: answers only allowed chats, restarts only for admins who confirm, and never handles an update twice. */
class BotTest extends TelegramTestBase {

    private final Fleet fleet = new Fleet();
    private BotPoller bot;

    /** The fleet as the controller would show it; records restarts. */
    static final class Fleet implements FleetView {
        final List<String> restarts = new ArrayList<>();

        @Override
        public String status() {
            return "2 machines up · 1 service down: macmini/web since 14:00";
        }

        @Override
        public String services(String machine) {
            if (machine != null && !machine.equals("macmini")) {
                throw new IllegalArgumentException("no machine '" + machine + "'; the machines are macmini");
            }
            return "macmini/web          down  since 14:00\nmacmini/aphos-server up";
        }

        @Override
        public String ports(String machine) {
            return "macmini 3000 web\nmacmini 2567 aphos-server";
        }

        @Override
        public String failover() {
            return "gateway: primary macbook active";
        }

        @Override
        public List<String> serviceKeys() {
            return List.of("macmini/web", "macmini/aphos-server");
        }

        @Override
        public synchronized String restart(String machine, String service) {
            restarts.add(machine + "/" + service);
            return "restarted through its agent";
        }
    }

    @AfterEach
    void stopBot() {
        if (bot != null) {
            bot.stop();
        }
    }

    @Override
    TelegramNotifier open() {
        super.open();
        bot = notifier.bot(fleet, Duration.ZERO);
        return notifier;
    }

    /** Polls once and delivers the replies: what the chat shows by then. */
    private List<String> poll() throws InterruptedException {
        bot.pollOnce();
        notifier.sender().drain(100);
        return telegram.texts();
    }

    @Test
    void status_services_ports_and_failover_are_answered_in_an_allowed_chat() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.MEMBER, "/status");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/services macmini");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/ports");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/failover");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/services pi");

        List<String> replies = poll();

        assertThat(replies).containsExactly(
                "<pre>2 machines up · 1 service down: macmini/web since 14:00</pre>",
                "<pre>macmini/web          down  since 14:00\nmacmini/aphos-server up</pre>",
                "<pre>macmini 3000 web\nmacmini 2567 aphos-server</pre>",
                "<pre>gateway: primary macbook active</pre>",
                "no machine 'pi'; the machines are macmini");
        assertThat(telegram.sent()).allSatisfy(s -> assertThat(s.chatId()).isEqualTo(Specs.CHAT));
    }

    @Test
    void commands_from_a_chat_outside_the_allowlist_do_nothing_and_are_logged_once_per_sender() throws Exception {
        spec.admins.add(99L);
        open();
        try (LogCapture logs = new LogCapture()) {
            telegram.message(Specs.STRANGER_CHAT, 99, "/status");
            telegram.message(Specs.STRANGER_CHAT, 99, "/restart macmini/web");
            telegram.message(Specs.STRANGER_CHAT, 99, "/mute web 2h");
            telegram.message(Specs.STRANGER_CHAT, 100, "/help");

            List<String> replies = poll();

            assertThat(replies).isEmpty();
            assertThat(fleet.restarts).isEmpty();
            assertThat(notifier.mutes().active()).isEmpty();
            assertThat(logs.lines()).filteredOn(l -> l.contains("ignoring messages from chat 666")).containsExactly(
                    "WARN ignoring messages from chat 666 (@user99, user 99): it is not in alerts.telegram.chat_ids; "
                            + "add it there if the bot should answer it",
                    "WARN ignoring messages from chat 666 (@user100, user 100): it is not in alerts.telegram.chat_ids; "
                            + "add it there if the bot should answer it");
        }
    }

    @Test
    void restart_without_confirmation_does_nothing() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/web");

        List<String> replies = poll();

        assertThat(replies).singleElement().asString()
                .startsWith("Restart <b>macmini/web</b>? To go ahead, send <code>/confirm ");
        assertThat(fleet.restarts).isEmpty();

        telegram.message(Specs.CHAT, Specs.ADMIN, "/confirm " + wrong(code(replies.get(0))));
        assertThat(poll()).last().asString().startsWith("That code does not match; nothing was restarted.");
        telegram.message(Specs.CHAT, Specs.ADMIN, "/confirm " + code(replies.get(0)));
        assertThat(poll()).last().asString().startsWith("Nothing to confirm");
        assertThat(fleet.restarts).isEmpty();
    }

    @Test
    void an_admin_who_confirms_in_time_restarts_the_service_once() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/web");
        String code = code(poll().get(0));

        telegram.message(Specs.CHAT, Specs.ADMIN, "/confirm " + code);
        List<String> replies = poll();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/confirm " + code);
        poll();

        assertThat(replies.get(1)).isEqualTo("✅ <b>macmini/web</b>: restarted through its agent");
        assertThat(fleet.restarts).containsExactly("macmini/web");
    }

    @Test
    void only_admins_may_restart_and_only_the_admin_who_asked_may_confirm() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.MEMBER, "/restart macmini/web");
        assertThat(poll()).last().asString()
                .isEqualTo("Only admins may restart services (alerts.telegram.admin_ids). Your user id is <code>8</code>.");

        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/web");
        String code = code(poll().get(1));
        telegram.message(Specs.CHAT, Specs.MEMBER, "/confirm " + code);
        poll();

        assertThat(fleet.restarts).isEmpty();
    }

    @Test
    void a_confirmation_expires_after_two_minutes() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/aphos-server");
        String code = code(poll().get(0));
        time.advance(Duration.ofMinutes(3));

        telegram.message(Specs.CHAT, Specs.ADMIN, "/confirm " + code);

        assertThat(poll()).last().asString().startsWith("That confirmation expired");
        assertThat(fleet.restarts).isEmpty();
    }

    @Test
    void a_restart_of_a_service_that_is_not_declared_is_refused() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/nope");
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart web");

        List<String> replies = poll();

        assertThat(replies).containsExactly(
                "There is no service macmini/nope in fleet.yaml; the services are macmini/web, macmini/aphos-server",
                "Name the service as MACHINE/SERVICE, e.g. /restart macmini/web");
    }

    @Test
    void a_command_that_waited_too_long_is_not_acted_on() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/restart macmini/web", time.instant().minus(Duration.ofMinutes(20)));

        assertThat(poll()).singleElement().asString().startsWith("That /restart was sent at Sat 13:40, too long ago");
    }

    @Test
    void unknown_commands_get_a_short_help_and_plain_talk_is_left_alone() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.MEMBER, "/reboot everything");
        telegram.message(Specs.CHAT, Specs.MEMBER, "good morning, bot");

        List<String> replies = poll();

        assertThat(replies).singleElement().asString().startsWith("I do not know /reboot. I answer:\n/status")
                .contains("/mute SERVICE DURATION");
    }

    @Test
    void commands_addressed_to_another_bot_in_a_group_are_not_ours() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.MEMBER, "/status@some_other_bot");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/status@" + FakeBotApi.BOT_USERNAME);

        assertThat(poll()).hasSize(1);
    }

    @Test
    void mute_from_the_chat_silences_a_service_for_the_duration() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.MEMBER, "/mute aphos-server 2h");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/mute aphos-server soon");
        telegram.message(Specs.CHAT, Specs.MEMBER, "/mute nope 2h");

        List<String> replies = poll();
        notifier.accept(Alerts.down("macmini", "aphos-server", 2567, time.instant()));
        time.advance(Duration.ofMinutes(1));
        notifier.tick();
        notifier.sender().drain(10);

        assertThat(replies).hasSize(3);
        assertThat(replies.get(0)).isEqualTo("🔕 <b>aphos-server</b> is muted until Sat 16:00. /unmute aphos-server to "
                + "hear it again.");
        assertThat(replies.get(1)).startsWith("'soon' is not a duration");
        assertThat(replies.get(2)).isEqualTo("There is no service or machine nope in fleet.yaml");
        assertThat(telegram.texts()).hasSize(3);
        assertThat(notifier.mutes().active()).containsOnlyKeys("aphos-server");
    }

    @Test
    void the_offset_is_kept_so_no_update_is_handled_twice_after_a_restart() throws Exception {
        open();
        telegram.message(Specs.CHAT, Specs.ADMIN, "/status");
        assertThat(poll()).hasSize(1);
        long offset = bot.offset();
        notifier.close(); // the controller stops before Telegram heard the offset confirmed

        open();
        int handled = bot.pollOnce();

        assertThat(offset).isPositive();
        assertThat(bot.offset()).isEqualTo(offset);
        assertThat(handled).isZero();
        assertThat(telegram.pendingUpdates()).isZero();
        notifier.sender().drain(10);
        assertThat(telegram.texts()).hasSize(1);
    }

    @Test
    void a_409_conflict_from_another_poller_is_logged_once_and_backed_off() throws Exception {
        open();
        for (int i = 0; i < 3; i++) {
            telegram.script("getUpdates", Answer.error(409, "Conflict: terminated by other getUpdates request; make "
                    + "sure that only one bot instance is running"));
        }
        telegram.message(Specs.CHAT, Specs.MEMBER, "/status");
        try (LogCapture logs = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                assertThat(bot.pollOnce()).isZero();
            }
            assertThat(bot.pollOnce()).isEqualTo(1);

            assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60),
                    Duration.ofSeconds(120));
            assertThat(logs.lines()).filteredOn(l -> l.contains("409")).singleElement().asString()
                    .startsWith("WARN Telegram bot: getUpdates: Telegram answered 409 Conflict")
                    .contains("Only one poller per bot token may run");
            assertThat(logs.lines()).contains("INFO Telegram bot: no other poller now; polling again");
        }
    }

    @Test
    void a_started_poller_answers_and_stops_at_once_when_told() throws Exception {
        open();
        notifier.start();
        BotPoller live = notifier.bot(fleet, Duration.ofSeconds(25)); // the fake server holds a poll 2s at most
        try {
            live.start();
            telegram.message(Specs.CHAT, Specs.MEMBER, "/status");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (telegram.texts().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(telegram.texts()).hasSize(1);
            assertThat(live.running()).isTrue();
        } finally {
            long start = System.nanoTime();
            live.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(live.running()).isFalse();
    }

    private static final Pattern CODE = Pattern.compile("/confirm (\\d{4})");

    private static String code(String reply) {
        Matcher m = CODE.matcher(reply);
        assertThat(m.find()).as("a confirmation code in %s", reply).isTrue();
        return m.group(1);
    }

    private static String wrong(String code) {
        return String.format("%04d", (Integer.parseInt(code) + 1) % 10_000);
    }
}
