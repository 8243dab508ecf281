package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.AlertsSpec.Day;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** alerts.telegram as fleet.yaml writes it: every key read, defaults where left out. */
class AlertsConfigTest {

    private static final String FLEET = """
            version: 1
            controller:
              machine: macbook
            machines:
              macbook:
                os: macos
                reach: {via: local}
                services:
                  web:
                    manager: {type: process, command: [web]}
              macmini:
                os: macos
                reach: {via: none}
                services:
                  aphos-server-dev:
                    manager: {type: process, command: [aphos]}
            alerts:
              telegram:
                bot_token: ${HOMEFLEET_TELEGRAM_BOT_TOKEN}
            """;

    private final FleetConfigLoader loader = new FleetConfigLoader(Map.of("HOMEFLEET_TELEGRAM_BOT_TOKEN", "t"));

    @Test
    void every_key_of_the_telegram_section_is_read() {
        LoadResult result = loader.parse(FLEET + """
                    chat_ids: [123456, -100200300]
                    admin_ids: [42]
                    min_severity: info
                    events: [service.*, machine.down, checkin.late]
                    muted: [aphos-server-dev, macbook/web]
                    fold_window: 15m
                    burst_window: 10s
                    remind_every: 4h
                    timezone: Europe/Lisbon
                    api_url: http://127.0.0.1:9999
                    maintenance:
                      - days: [sat, sun]
                        from: 02:00
                        to: "04:00"
                        services: [macmini/aphos-server-dev]
                        reason: weekend deploys
                      - from: 2025-06-01 22:00
                        until: 2025-06-02T01:00:00Z
                        timezone: UTC
                        machines: [macmini]
                """, "fleet.yaml");

        assertThat(result.errors()).isEmpty();
        AlertsSpec.Telegram telegram = result.config().alerts().telegram();
        assertThat(telegram.chatIds()).containsExactly(123456L, -100200300L);
        assertThat(telegram.adminIds()).containsExactly(42L);
        assertThat(telegram.minSeverity()).isEqualTo(AlertsSpec.Severity.INFO);
        assertThat(telegram.events()).containsExactly("service.*", "machine.down", "checkin.late");
        assertThat(telegram.muted()).containsExactly("aphos-server-dev", "macbook/web");
        assertThat(telegram.foldWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(telegram.burstWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(telegram.remindEvery()).isEqualTo(Duration.ofHours(4));
        assertThat(telegram.timezone()).isEqualTo("Europe/Lisbon");
        assertThat(telegram.maintenance()).hasSize(2);
        assertThat(telegram.maintenance().get(0).days()).containsExactly(Day.SAT, Day.SUN);
        assertThat(telegram.maintenance().get(0).from()).isEqualTo("02:00");
        assertThat(telegram.maintenance().get(0).recurring()).isTrue();
        assertThat(telegram.maintenance().get(1).until()).isEqualTo("2025-06-02T01:00:00Z");
        assertThat(telegram.maintenance().get(1).machines()).containsExactly("macmini");
    }

    @Test
    void left_out_keys_take_their_defaults() {
        LoadResult result = loader.parse(FLEET + "    chat_ids: [1]\n", "fleet.yaml");

        AlertsSpec.Telegram telegram = result.config().alerts().telegram();
        assertThat(telegram.events()).isEmpty();
        assertThat(telegram.muted()).isEmpty();
        assertThat(telegram.maintenance()).isEmpty();
        assertThat(telegram.foldWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(telegram.burstWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(telegram.remindEvery()).isNull();
        assertThat(telegram.timezone()).isNull();
        assertThat(telegram.apiUrl()).isEqualTo("https://api.telegram.org");
    }

    @Test
    void a_burst_window_of_zero_sends_at_once_and_is_valid() {
        LoadResult result = loader.parse(FLEET + "    chat_ids: [1]\n    burst_window: 0s\n", "fleet.yaml");

        assertThat(result.errors()).isEmpty();
    }

    @Test
    void a_zero_fold_window_and_a_bad_telegram_timezone_are_refused() {
        LoadResult result = loader.parse(FLEET + "    chat_ids: [1]\n    fold_window: 0s\n    burst_window: 0s\n"
                + "    timezone: Mars/Olympus\n", "fleet.yaml");

        assertThat(result.errors()).extracting(Problem::path)
                .containsExactly("alerts.telegram.fold_window", "alerts.telegram.timezone");
    }

    @Test
    void the_event_types_cover_what_the_messages_name() {
        assertThat(AlertsSpec.EVENT_TYPES).contains("service.down", "service.up", "service.restarted",
                "service.gave-up", "machine.down", "machine.up", "checkin.late", "checkin.down", "checkin.recovered",
                "port.conflict", "resource.warning", "config.rejected", "failover.takeover", "failover.yield");
        assertThat(List.copyOf(AlertsSpec.EVENT_TYPES)).doesNotHaveDuplicates();
    }
}
