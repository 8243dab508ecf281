package dev.homefleet.controller.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sliding window with explicit instants: hours pass at once. */
class RestartBudgetTest {

    private static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");
    private static final String KEY = "macmini/aphos-server-dev";
    private static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    private final RestartBudget budget = new RestartBudget(3, Duration.ofHours(6), CLOCK);

    private static Instant at(Duration after) {
        return T0.plus(after);
    }

    private static Instant hours(long hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    @Test
    void three_restarts_within_six_hours_spend_the_budget() {
        assertThat(budget.allows(KEY, T0)).isTrue();
        budget.recordRestart(KEY, hours(0));
        budget.recordRestart(KEY, hours(1));
        assertThat(budget.used(KEY, hours(1))).isEqualTo(2);
        assertThat(budget.allows(KEY, hours(1))).isTrue();

        budget.recordRestart(KEY, hours(2));

        assertThat(budget.used(KEY, hours(2))).isEqualTo(3);
        assertThat(budget.allows(KEY, hours(2))).isFalse();
        assertThat(budget.allows("macmini/other", hours(2))).as("each service has its own budget").isTrue();
    }

    @Test
    void restarts_older_than_the_window_no_longer_count() {
        budget.recordRestart(KEY, hours(0));
        budget.recordRestart(KEY, hours(1));
        budget.recordRestart(KEY, hours(2));

        assertThat(budget.used(KEY, hours(6))).as("6 h old is still within 6 h").isEqualTo(3);
        assertThat(budget.allows(KEY, hours(6))).isFalse();
        assertThat(budget.used(KEY, at(Duration.ofHours(6).plusSeconds(1)))).isEqualTo(2);
        assertThat(budget.allows(KEY, at(Duration.ofHours(6).plusSeconds(1)))).isTrue();
        assertThat(budget.used(KEY, at(Duration.ofHours(7).plusSeconds(1)))).isEqualTo(1);
        assertThat(budget.restarts(KEY, at(Duration.ofHours(7).plusSeconds(1)))).containsExactly(hours(2));
        assertThat(budget.used(KEY, hours(9))).isZero();
        assertThat(budget.lastRestart(KEY, hours(9))).isEmpty();
    }

    @Test
    void a_new_restart_drops_the_ones_that_left_the_window_and_late_records_keep_their_order() {
        budget.recordRestart(KEY, hours(0));
        budget.recordRestart(KEY, hours(10));
        budget.recordRestart(KEY, hours(9));

        assertThat(budget.restarts(KEY, hours(10))).containsExactly(hours(9), hours(10));
        assertThat(budget.used(KEY, hours(5))).as("the 0 h restart was dropped on recording 10 h").isZero();
        assertThat(budget.lastRestart(KEY, hours(10))).hasValue(hours(10));
    }

    @Test
    void giving_up_is_remembered_with_its_time_and_staying_up_clears_it_and_the_window() {
        budget.recordRestart(KEY, hours(0));
        budget.recordRestart(KEY, hours(1));
        budget.recordRestart(KEY, hours(2));
        budget.markGaveUp(KEY, hours(2));
        budget.markGaveUp(KEY, hours(4));

        assertThat(budget.gaveUp(KEY)).isTrue();
        assertThat(budget.gaveUpAt(KEY)).as("the first mark stays").hasValue(hours(2));
        assertThat(budget.gaveUp("macmini/other")).isFalse();

        budget.stayedUp(KEY);

        assertThat(budget.gaveUp(KEY)).isFalse();
        assertThat(budget.used(KEY, hours(2))).isZero();
        assertThat(budget.allows(KEY, hours(2))).isTrue();
    }

    @Test
    void on_the_bus_only_service_up_changes_the_budget() {
        EventBus bus = new EventBus();
        bus.subscribe("restart budget", budget::onEvent);
        budget.recordRestart(KEY, hours(0));
        budget.markGaveUp(KEY, hours(0));

        bus.publish(restarted("macmini", "aphos-server-dev", hours(1)));
        bus.publish(FleetEvent.of(EventType.SERVICE_GAVE_UP).at(hours(1)).service("macmini", "crabwalk").build());
        assertThat(budget.used(KEY, hours(1))).as("the healer records its own restarts").isEqualTo(1);
        assertThat(budget.gaveUp("macmini/crabwalk")).isFalse();

        bus.publish(FleetEvent.of(EventType.SERVICE_UP).at(hours(2)).service("macmini", "aphos-server-dev").build());

        assertThat(budget.gaveUp(KEY)).isFalse();
        assertThat(budget.used(KEY, hours(2))).isZero();
    }

    @Test
    void giving_up_without_a_time_takes_the_clocks() {
        budget.markGaveUp(KEY);

        assertThat(budget.gaveUpAt(KEY)).hasValue(CLOCK.instant());
    }

    @Test
    void the_budget_is_rebuilt_from_the_event_history_in_time_order() {
        List<FleetEvent> history = List.of(
                restarted("macmini", "aphos-server-dev", hours(2)),
                restarted("macmini", "aphos-server-dev", hours(0)),
                restarted("macmini", "aphos-server-dev", hours(1)),
                FleetEvent.of(EventType.SERVICE_GAVE_UP).at(hours(2)).service("macmini", "aphos-server-dev").build(),
                restarted("macmini", "clawd-bot", hours(1)),
                FleetEvent.of(EventType.SERVICE_UP).at(hours(3)).service("macmini", "clawd-bot").build(),
                restarted("macmini", "clawd-bot", hours(4)),
                FleetEvent.of(EventType.SERVICE_DOWN).at(hours(4)).service("macmini", "crabwalk").build(),
                FleetEvent.of(EventType.JOB_REPORT).at(hours(4)).subject("healer").build());

        RestartBudget rebuilt = RestartBudget.fromHistory(history, 3, Duration.ofHours(6), CLOCK);

        assertThat(rebuilt.restarts(KEY, hours(4))).containsExactly(hours(0), hours(1), hours(2));
        assertThat(rebuilt.gaveUpAt(KEY)).hasValue(hours(2));
        assertThat(rebuilt.restarts("macmini/clawd-bot", hours(4))).as("service.up cleared the first")
                .containsExactly(hours(4));
        assertThat(rebuilt.used("macmini/crabwalk", hours(4))).isZero();
        assertThat(rebuilt.export(hours(4))).containsOnlyKeys(KEY, "macmini/clawd-bot");
    }

    @Test
    void a_service_up_after_giving_up_in_the_history_clears_the_mark() {
        List<FleetEvent> history = List.of(
                restarted("macmini", "aphos-server-dev", hours(0)),
                FleetEvent.of(EventType.SERVICE_GAVE_UP).at(hours(1)).service("macmini", "aphos-server-dev").build(),
                FleetEvent.of(EventType.SERVICE_UP).at(hours(5)).service("macmini", "aphos-server-dev").build());

        RestartBudget rebuilt = RestartBudget.fromHistory(history, 3, Duration.ofHours(6), CLOCK);

        assertThat(rebuilt.gaveUp(KEY)).isFalse();
        assertThat(rebuilt.used(KEY, hours(5))).isZero();
    }

    @Test
    void export_and_restore_carry_the_window_and_the_marks_under_new_limits() {
        budget.recordRestart(KEY, hours(0));
        budget.recordRestart(KEY, hours(3));
        budget.recordRestart("macmini/clawd-bot", hours(1));
        budget.markGaveUp("macmini/clawd-bot", hours(2));
        budget.recordRestart("macmini/old", hours(-10));

        Map<String, Map<String, Object>> saved = budget.export(hours(4));

        assertThat(saved).isEqualTo(Map.of(
                KEY, Map.of("restarts", List.of("2025-03-01T08:00:00Z", "2025-03-01T11:00:00Z")),
                "macmini/clawd-bot", Map.of("restarts", List.of("2025-03-01T09:00:00Z"),
                        "gaveUpAt", "2025-03-01T10:00:00Z")));

        RestartBudget restored = RestartBudget.restore(saved, 2, Duration.ofHours(6), CLOCK);
        assertThat(restored.budget()).isEqualTo(2);
        assertThat(restored.restarts(KEY, hours(4))).containsExactly(hours(0), hours(3));
        assertThat(restored.allows(KEY, hours(4))).isFalse();
        assertThat(restored.gaveUpAt("macmini/clawd-bot")).hasValue(hours(2));
        assertThat(restored.export(hours(4))).isEqualTo(saved);
    }

    @Test
    void a_saved_budget_that_cannot_be_read_is_refused_with_the_service_and_the_value() {
        assertThatThrownBy(() -> RestartBudget.restore(Map.of(KEY, Map.of("restarts", List.of("yesterday"))), 3,
                Duration.ofHours(6), CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saved restart budget of macmini/aphos-server-dev: restarts holds 'yesterday', which is"
                        + " not an instant like 2025-01-01T10:00:00Z");
        assertThatThrownBy(() -> RestartBudget.restore(Map.of(KEY, Map.of("restarts", "2025-01-01T10:00:00Z")), 3,
                Duration.ofHours(6), CLOCK))
                .hasMessage("saved restart budget of macmini/aphos-server-dev: restarts must be a list of instants,"
                        + " was 2025-01-01T10:00:00Z");
    }

    @Test
    void a_service_status_shows_gave_up_and_the_restarts_in_the_window() {
        budget.recordRestart(KEY, hours(1));
        budget.recordRestart(KEY, hours(2));
        budget.markGaveUp(KEY, hours(2));
        ServiceStatus down = new ServiceStatus("macmini", "aphos-server-dev", Health.DOWN, hours(0), hours(3),
                "connection refused", null, 12, 0, 0, null);

        ServiceStatus shown = budget.applyTo(down, hours(3));

        assertThat(shown.health()).isEqualTo(Health.GAVE_UP);
        assertThat(shown.restarts()).isEqualTo(2);
        assertThat(shown.lastRestart()).isEqualTo(hours(2));
        assertThat(shown.detail()).isEqualTo("connection refused");
        ServiceStatus up = new ServiceStatus("macmini", "aphos-server-dev", Health.UP, hours(3), hours(3), "200",
                4L, 0, 1, 0, null);
        assertThat(budget.applyTo(up, hours(3)).health()).as("up is up, whatever the mark").isEqualTo(Health.UP);
    }

    @Test
    void limits_that_make_no_sense_are_refused() {
        assertThatThrownBy(() -> new RestartBudget(0, Duration.ofHours(6), CLOCK))
                .hasMessage("jobs.healer.restart_budget must be 1 or more, was 0");
        assertThatThrownBy(() -> new RestartBudget(3, Duration.ZERO, CLOCK))
                .hasMessage("jobs.healer.budget_window must be longer than 0s, was 0s");
    }

    private static FleetEvent restarted(String machine, String service, Instant at) {
        return FleetEvent.of(EventType.SERVICE_RESTARTED).at(at).service(machine, service).build();
    }
}
