package dev.homefleet.controller.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.alert.Alert;
import dev.homefleet.core.alert.Sleeper;
import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.alert.store.AlertDb;
import dev.homefleet.core.alert.store.Outbox;
import dev.homefleet.core.alert.telegram.BotApi;
import dev.homefleet.core.alert.telegram.BotToken;
import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's events become alerts: one incident per service, the healer's work folded in. */
class EventAlertsTest {

    static final String FLEET = """
            version: 1
            controller:
              machine: macbook
            machines:
              macbook:
                os: macos
                reach: {via: local}
              macmini:
                os: macos
                reach: {via: none}
                services:
                  aphos-server-prod:
                    manager: {type: pm2, name: aphos-server-prod, script: server.js}
                    port: 2567
            alerts:
              telegram:
                bot_token: ${HOMEFLEET_TELEGRAM_BOT_TOKEN}
                chat_ids: [1001]
                timezone: UTC
            """;

    static FleetConfig fleet() {
        LoadResult result = new FleetConfigLoader(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", "t")).parse(FLEET, "fleet.yaml");
        assertThat(result.errors()).isEmpty();
        return result.config();
    }

    private static final Instant T0 = Instant.parse("2025-06-07T14:00:00Z");
    private final FleetConfig config = fleet();
    private final EventAlerts alerts = new EventAlerts(() -> config);

    @TempDir
    Path dir;

    @Test
    void the_controllers_event_types_are_the_ones_alerts_can_filter_on() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wire).toList())
                .containsExactlyInAnyOrderElementsOf(AlertsSpec.EVENT_TYPES);
    }

    @Test
    void a_service_going_down_opens_an_incident_keyed_by_machine_and_service_with_its_port() {
        Alert alert = alerts.toAlert(FleetEvent.of(EventType.SERVICE_DOWN).at(T0)
                .service("macmini", "aphos-server-prod").message("macmini/aphos-server-prod is down: refused")
                .data("fall", 3).build()).orElseThrow();

        assertThat(alert.kind()).isEqualTo(Alert.Kind.PROBLEM);
        assertThat(alert.key()).isEqualTo("macmini/aphos-server-prod");
        assertThat(alert.type()).isEqualTo("service.down");
        assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alert.port()).isEqualTo(2567);
        assertThat(alert.text()).isEqualTo("macmini/aphos-server-prod is down: refused");
        assertThat(alert.at()).isEqualTo(T0);
    }

    @Test
    void the_healers_work_is_an_action_on_the_incident_with_a_short_note() {
        FleetEvent.Builder restarted = FleetEvent.of(EventType.SERVICE_RESTARTED).at(T0)
                .service("macmini", "aphos-server-prod");

        assertThat(alerts.toAlert(restarted.data("verified", false).build()).orElseThrow().note()).isEqualTo("restarted");
        assertThat(alerts.toAlert(FleetEvent.of(EventType.SERVICE_RESTARTED).at(T0).service("macmini", "aphos-server-prod")
                .data("verified", true).build()).orElseThrow().note()).isEqualTo("restarted, it answered again");
        assertThat(alerts.toAlert(FleetEvent.of(EventType.SERVICE_RESTARTED).at(T0).service("macmini", "aphos-server-prod")
                .data("verified", false).data("error", "pm2: no such process").build()).orElseThrow().note())
                .isEqualTo("could not restart it");
        Alert gaveUp = alerts.toAlert(FleetEvent.of(EventType.SERVICE_GAVE_UP).at(T0)
                .service("macmini", "aphos-server-prod").build()).orElseThrow();
        assertThat(gaveUp.kind()).isEqualTo(Alert.Kind.ACTION);
        assertThat(gaveUp.note()).isEqualTo("still down, gave up");
        assertThat(gaveUp.hint()).isEqualTo("fix it, then send /restart macmini/aphos-server-prod here, or run: "
                + "fleet restart macmini/aphos-server-prod");
    }

    @Test
    void ends_resolve_the_incident_they_belong_to() {
        assertThat(alerts.toAlert(FleetEvent.of(EventType.SERVICE_UP).at(T0).service("macmini", "aphos-server-prod")
                .data("outage_s", 750L).build()).orElseThrow())
                .satisfies(a -> {
                    assertThat(a.resolved()).isTrue();
                    assertThat(a.key()).isEqualTo("macmini/aphos-server-prod");
                    assertThat(a.details()).containsEntry("outage_s", 750L);
                });
        assertThat(alerts.toAlert(FleetEvent.of(EventType.MACHINE_UP).at(T0).machine("macmini").build()).orElseThrow()
                .key()).isEqualTo("macmini");
        assertThat(alerts.toAlert(FleetEvent.of(EventType.CHECKIN_RECOVERED).at(T0).machine("macbook")
                .subject("git-auto-sync").build()).orElseThrow().key()).isEqualTo("checkin:git-auto-sync");
        // Failover transitions are alerted by the standby itself, so the controller does not repeat them.
        assertThat(alerts.toAlert(FleetEvent.of(EventType.FAILOVER_YIELD).at(T0).machine("macmini")
                .subject("gateway").build())).isEmpty();
    }

    @Test
    void what_has_no_end_is_a_notice_and_the_controllers_own_start_is_nothing() {
        Alert conflict = alerts.toAlert(FleetEvent.of(EventType.PORT_CONFLICT).at(T0).machine("macmini")
                .subject("macmini:3000").data("port", 3000).message("port 3000 is held by node").build()).orElseThrow();
        Alert rejected = alerts.toAlert(FleetEvent.of(EventType.CONFIG_REJECTED).at(T0).subject("fleet.yaml")
                .message("fleet.yaml was edited into something invalid").build()).orElseThrow();

        assertThat(conflict.kind()).isEqualTo(Alert.Kind.NOTICE);
        assertThat(conflict.key()).isEqualTo("port:macmini:3000");
        assertThat(conflict.port()).isEqualTo(3000);
        assertThat(rejected.kind()).isEqualTo(Alert.Kind.NOTICE);
        assertThat(rejected.key()).isEqualTo("config.rejected:fleet.yaml");
        assertThat(alerts.toAlert(FleetEvent.of(EventType.CONTROLLER_STARTED).at(T0).build())).isEmpty();
        assertThat(alerts.toAlert(FleetEvent.of(EventType.SERVICE_DOWN).at(T0).machine("macmini").build())).isEmpty();
    }

    @Test
    void events_on_the_bus_reach_the_chat_as_one_message_per_incident() throws Exception {
        MutableClock clock = new MutableClock(T0);
        OkHttpClient http = new OkHttpClient();
        AlertsSpec.Telegram spec = config.alerts().telegram();
        try (TelegramNotifier notifier = new TelegramNotifier(spec,
                new BotApi("http://127.0.0.1:9", new BotToken("1:never-used"), http),
                AlertDb.open(dir.resolve("alerts.db")), clock, Sleeper.real(), Duration.ofSeconds(1))) {
            EventBus bus = new EventBus();
            EventAlerts.subscribe(bus, notifier, () -> config);
            bus.publish(FleetEvent.of(EventType.SERVICE_DOWN).at(T0).service("macmini", "aphos-server-prod")
                    .message("macmini/aphos-server-prod is down: connection refused (3 failed checks in a row)").build());
            for (int i = 1; i <= 2; i++) {
                bus.publish(FleetEvent.of(EventType.SERVICE_RESTARTED).at(T0.plusSeconds(i * 10))
                        .service("macmini", "aphos-server-prod").data("verified", false)
                        .message("macmini/aphos-server-prod was down; the healer restarted it but it is still down")
                        .build());
            }
            bus.publish(FleetEvent.of(EventType.SERVICE_GAVE_UP).at(T0.plusSeconds(25))
                    .service("macmini", "aphos-server-prod").message("gave up").build());
            clock.set(T0.plusSeconds(31));
            notifier.tick();
            bus.publish(FleetEvent.of(EventType.SERVICE_UP).at(T0.plusSeconds(3600))
                    .service("macmini", "aphos-server-prod").data("outage_s", 3600L)
                    .message("macmini/aphos-server-prod is up again after 3600s down: 200 in 9 ms").build());
            clock.set(T0.plusSeconds(3631));
            notifier.tick();

            List<String> texts = notifier.outbox().list(10).stream().map(Outbox.Message::text).toList();

            assertThat(texts).hasSize(2);
            assertThat(texts.get(0)).isEqualTo("""
                    🔴 <b>macmini/aphos-server-prod is down</b>
                    connection refused (3 failed checks in a row)
                    port 2567 · since 14:00, 31s ago
                    Healer: restarted twice, still down, gave up
                    👉 fix it, then send /restart macmini/aphos-server-prod here, or run: fleet restart \
                    macmini/aphos-server-prod""");
            assertThat(texts.get(1)).isEqualTo("""
                    ✅ <b>macmini/aphos-server-prod is up again after 1h</b>
                    200 in 9 ms
                    port 2567 · down since 14:00
                    Healer: restarted twice, still down, gave up""");
        } finally {
            http.dispatcher().executorService().shutdown();
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
