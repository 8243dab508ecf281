package dev.homefleet.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's terminal tells the event feed: every event once, in order, the jobs' own chatter left out. */
class NarratorTest {
    private static final Instant AT = Instant.parse("2026-01-02T12:00:03Z");

    @TempDir
    Path dir;

    @Test
    void events_from_before_the_subscription_come_first_and_none_twice() {
        StringWriter text = new StringWriter();
        Narrator narrator = new Narrator(new PrintWriter(text), ZoneOffset.UTC);
        try (Store store = Store.open(dir.resolve("history.db"))) {
            EventBus bus = new EventBus(store::append);
            bus.publish(down("macbook", "gateway"));
            bus.publish(FleetEvent.of(EventType.JOB_FINISHED).at(AT).subject("checks").message("checked 5").build());
            bus.subscribe("narrator", narrator::onEvent);
            bus.publish(down("macmini", "gateway")); // while it catches up: told after the stored ones
            narrator.replay(store);
            bus.publish(FleetEvent.of(EventType.FAILOVER_TAKEOVER).at(AT).service("macmini", "gateway")
                    .subject("gateway").message("failover gateway: macmini took over from macbook").build());
        }

        assertThat(text.toString().lines()).containsExactly(
                "12:00:03  service.down      macbook/gateway is down: connection refused",
                "12:00:03  service.down      macmini/gateway is down: connection refused",
                "12:00:03  failover.takeover macmini/gateway: failover gateway: macmini took over from macbook");
    }

    @Test
    void a_long_message_is_cut_to_fit_a_terminal_line_and_silence_ends_the_telling() {
        StringWriter text = new StringWriter();
        Narrator narrator = new Narrator(new PrintWriter(text), ZoneOffset.UTC);
        try (Store store = Store.open(dir.resolve("empty.db"))) {
            narrator.replay(store);
        }
        narrator.onEvent(FleetEvent.of(EventType.SERVICE_RESTARTED).at(AT).service("macbook", "gateway")
                .message("macbook/gateway: " + "x".repeat(500)).build());
        narrator.silence();
        narrator.onEvent(down("macbook", "crabwalk"));
        narrator.say(AT, "the demo stopped");

        assertThat(text.toString().lines()).hasSize(2);
        assertThat(text.toString().lines().findFirst().orElseThrow()).endsWith("x…")
                .hasSizeLessThan(Narrator.MAX_MESSAGE + 40);
        assertThat(text.toString()).endsWith("12:00:03  the demo stopped\n");
    }

    @Test
    void a_telegram_message_is_told_under_the_events_column_as_many_lines_as_a_notification_shows() {
        StringWriter text = new StringWriter();
        Narrator narrator = new Narrator(new PrintWriter(text), ZoneOffset.UTC);

        narrator.telegram(AT, "🔴 macbook/gateway is down\nconnection refused\n\nport 18789");
        narrator.telegram(AT, "a\nb\nc\nd\ne\nf\ng\nh");
        narrator.silence();
        narrator.telegram(AT, "not told once the demo stops");

        assertThat(text.toString().lines()).containsExactly(
                "12:00:03  telegram          🔴 macbook/gateway is down",
                "                            connection refused",
                "                            port 18789",
                "12:00:03  telegram          a",
                "                            b",
                "                            c",
                "                            d",
                "                            e",
                "                            f",
                "                            … 2 more lines");
    }

    private static FleetEvent down(String machine, String service) {
        return FleetEvent.of(EventType.SERVICE_DOWN).at(AT).service(machine, service)
                .message(machine + "/" + service + " is down: connection refused").build();
    }
}
