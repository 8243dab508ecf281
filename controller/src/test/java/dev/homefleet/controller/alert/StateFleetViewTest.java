package dev.homefleet.controller.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.state.FleetState.ConfigStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.core.config.FleetConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What /status, /services, /ports and /failover show from the controller's state. */
class StateFleetViewTest {

    private static final Instant NOW = Instant.parse("2025-06-07T14:30:00Z");
    private final FleetConfig config = EventAlertsTest.fleet();
    private final List<String> restarts = new ArrayList<>();
    private final FleetState state = new FleetState(NOW,
            new ConfigStatus("fleet.yaml", NOW, false, List.of("12:5 machines.x.port: not a port")),
            Map.of("macbook", new MachineStatus("macbook", Health.UP, NOW.minusSeconds(7200), "local", NOW, null, null,
                            Map.of()),
                    "macmini", new MachineStatus("macmini", Health.UP, NOW.minusSeconds(7200), "ssh", NOW, null, null,
                            Map.of("aphos-server-prod", new ServiceStatus("macmini", "aphos-server-prod",
                                    Health.GAVE_UP, NOW.minusSeconds(1800), NOW, "connection refused", null, 3, 0, 3,
                                    NOW.minusSeconds(600))))),
            Map.of(),
            Map.of("git-auto-sync", new CheckinStatus("git-auto-sync", "macbook", "late", NOW.minusSeconds(900),
                    null, null, null, null)),
            List.of("macmini: port 3000 is held by node (pid 4242), which no service declares"));
    private final StateFleetView view = new StateFleetView(() -> state, () -> config,
            (machine, service) -> restarts.add(machine + "/" + service), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void status_sums_up_machines_what_is_down_late_in_conflict_and_a_rejected_edit() {
        assertThat(view.status()).isEqualTo("""
                macbook  up · 0/0 services up
                macmini  up · 0/1 services up

                Down:
                  macmini/aphos-server-prod gave-up since 30m

                Check-ins:
                  git-auto-sync late since 15m

                1 port conflict(s): /ports

                fleet.yaml: an edit was rejected (1 problem(s)); the last good one runs""");
    }

    @Test
    void services_lists_each_with_health_since_and_why() {
        assertThat(view.services("macmini")).isEqualTo("""
                macmini
                  aphos-server-prod  gave-up 30m  connection refused""");
        assertThatThrownBy(() -> view.services("pi")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no machine 'pi'; the machines are macbook, macmini");
    }

    @Test
    void ports_lists_declared_ports_and_conflicts() {
        assertThat(view.ports("macmini")).isEqualTo("""
                macmini
                   2567  aphos-server-prod (0.0.0.0)

                Conflicts:
                  macmini: port 3000 is held by node (pid 4242), which no service declares""");
    }

    @Test
    void failover_without_pairs_says_so_and_restart_goes_to_the_restarter() throws Exception {
        assertThat(view.failover()).isEqualTo("no failover pairs in fleet.yaml");
        assertThat(view.serviceKeys()).containsExactly("macmini/aphos-server-prod");

        view.restart("macmini", "aphos-server-prod");

        assertThat(restarts).containsExactly("macmini/aphos-server-prod");
    }
}
