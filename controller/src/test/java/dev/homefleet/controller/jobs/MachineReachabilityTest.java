package dev.homefleet.controller.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MachineReachabilityTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final EventBus bus = new EventBus();
    private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    private final StateHolder state = new StateHolder(FleetState.empty(
            new FleetState.ConfigStatus("fleet.yaml", T0, true, List.of())));
    private final MachineReachability reachability = new MachineReachability(bus, state);

    {
        bus.subscribe("test", events::add);
    }

    private MachineStatus mini() {
        return state.get().machines().get("mini");
    }

    private static MachineMetrics metrics() {
        return new MachineMetrics(T0, 10, 1, 1, 2, 0, 0, List.of(), 100, 60);
    }

    @Test
    void one_failed_attempt_is_not_an_outage_two_in_a_row_are_and_it_is_announced_once() {
        reachability.reached("mini", "agent", T0, metrics());
        reachability.failed("mini", "connect timed out", T0.plusSeconds(30));

        assertThat(mini().health()).isEqualTo(Health.UP);
        assertThat(mini().error()).isEqualTo("connect timed out");
        assertThat(events).isEmpty();

        reachability.failed("mini", "connection refused", T0.plusSeconds(60));
        reachability.failed("mini", "connection refused", T0.plusSeconds(90));

        assertThat(mini().health()).isEqualTo(Health.DOWN);
        assertThat(mini().since()).isEqualTo(T0.plusSeconds(60));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(EventType.MACHINE_DOWN);
            assertThat(e.message()).isEqualTo("mini does not answer: connection refused");
            assertThat(e.data()).containsEntry("failed_attempts", 2);
        });
    }

    @Test
    void an_answer_between_two_failures_starts_the_count_again() {
        reachability.failed("mini", "timeout", T0);
        reachability.reached("mini", "ssh", T0.plusSeconds(1), null);
        reachability.failed("mini", "timeout", T0.plusSeconds(2));

        assertThat(mini().health()).isEqualTo(Health.UP);
        assertThat(events).isEmpty();
    }

    @Test
    void a_machine_that_answers_again_is_up_and_the_event_says_since_when_it_was_down() {
        reachability.failed("mini", "refused", T0);
        reachability.failed("mini", "refused", T0.plusSeconds(30));

        reachability.reached("mini", "ssh alice@mini", T0.plusSeconds(600), null);

        assertThat(mini().health()).isEqualTo(Health.UP);
        assertThat(mini().since()).isEqualTo(T0.plusSeconds(600));
        assertThat(mini().error()).isNull();
        assertThat(events).extracting(FleetEvent::type).containsExactly(EventType.MACHINE_DOWN, EventType.MACHINE_UP);
        assertThat(events.get(1).message())
                .isEqualTo("mini answers again (via ssh alice@mini) after being down since " + T0.plusSeconds(30));
    }

    @Test
    void a_heartbeat_sets_metrics_and_a_check_run_keeps_them_and_the_services() {
        reachability.reached("mini", "agent", T0, metrics());
        state.update(s -> s.withMachine(s.machines().get("mini").withService(new FleetState.ServiceStatus("mini",
                "ollama", Health.UP, T0, T0, "200 in 3 ms", 3L, 0, 1, 0, null))));

        reachability.reached("mini", "agent", T0.plusSeconds(30), null);
        reachability.failed("mini", "timeout", T0.plusSeconds(60));

        assertThat(mini().since()).as("up since the first answer").isEqualTo(T0);
        assertThat(mini().lastHeartbeat()).isEqualTo(T0);
        assertThat(mini().metrics()).isEqualTo(metrics());
        assertThat(mini().services()).containsOnlyKeys("ollama");
        assertThat(mini().services().get("ollama").health()).isEqualTo(Health.UP);
        assertThat(state.get().machines()).containsOnlyKeys("mini");
    }
}
