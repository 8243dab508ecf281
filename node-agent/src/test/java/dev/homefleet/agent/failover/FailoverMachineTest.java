package dev.homefleet.agent.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import dev.homefleet.agent.failover.FailoverMachine.Snapshot;
import dev.homefleet.agent.failover.FailoverMachine.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The failover's state machine as a table: a sequence of inputs, the state after each, and the actions each asked
 * for. Inputs: {@code F} a failed check, {@code S} a successful one, {@code a} the actions asked for are done,
 * {@code x} they failed, {@code P} promote, {@code D} demote, {@code A} auto. Actions: {@code T} takeover,
 * {@code Y} yield, {@code -} none.
 */
class FailoverMachineTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a healthy primary keeps it standby | 3 | 5 | S S S | standby standby standby | - - -
            takes over at exactly the fall-th failure, once | 3 | 5 | F F F a F F | suspect suspect active active active active | - - T - - -
            a success resets the failure count | 3 | 5 | F F S F F S F | suspect suspect standby suspect suspect standby suspect | - - - - - - -
            alternating up and down never takes over | 3 | 5 | F S F S F S F S F S F S | suspect standby suspect standby suspect standby suspect standby suspect standby suspect standby | - - - - - - - - - - - -
            two down one up never takes over | 3 | 5 | F F S F F S F F S | suspect suspect standby suspect suspect standby suspect suspect standby | - - - - - - - - -
            yields at exactly the rise-th success, once | 3 | 5 | F F F a S S S S S a S | suspect suspect active active recovering recovering recovering recovering standby standby standby | - - T - - - - - Y - -
            a failure resets the success count | 3 | 5 | F F F a S S S S F S S S S S a | suspect suspect active active recovering recovering recovering recovering active recovering recovering recovering recovering standby standby | - - T - - - - - - - - - - Y -
            alternating while active never yields | 3 | 5 | F F F a S F S F S F S F | suspect suspect active active recovering active recovering active recovering active recovering active | - - T - - - - - - - - -
            fall 1 takes over at the first failure | 1 | 1 | F a S a | active active standby standby | T - Y -
            a failed takeover is retried after one check and succeeds | 3 | 5 | F F F x F a | suspect suspect active takeover-failed takeover-failed active | - - T - T -
            retries back off 1 2 4 checks | 3 | 5 | F F F x F x F F x F F F F a | suspect suspect active takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed takeover-failed active | - - T - T - - T - - - - T -
            a retried takeover while the primary comes back ends recovering | 3 | 5 | F F F x S a S S S S a | suspect suspect active takeover-failed takeover-failed recovering recovering recovering recovering standby standby | - - T - T - - - - Y -
            rise successes during a failed takeover yield instead of retrying | 3 | 1 | F F F x S a | suspect suspect active takeover-failed standby standby | - - T - Y -
            a failed yield is retried | 3 | 5 | F F F a S S S S S x S a | suspect suspect active active recovering recovering recovering recovering standby yield-failed yield-failed standby | - - T - - - - - Y - Y -
            fall failures during a failed yield take over again | 1 | 5 | F a S S S S S x F a | active active recovering recovering recovering recovering standby yield-failed active active | T - - - - - Y - T -
            promote takes over now and pins active | 3 | 5 | S P a S S S S S S S | standby active active active active active active active active active | - T - - - - - - - -
            auto after promote yields at the next success | 3 | 5 | S P a S S S S S A S a | standby active active active active active active active recovering standby standby | - T - - - - - - - Y -
            demote yields now and pins standby | 3 | 5 | F F F a D a F F F F | suspect suspect active active standby standby standby standby standby standby | - - T - Y - - - - -
            auto after demote takes over at the next failure | 3 | 5 | F F F a D a F F F A F a | suspect suspect active active standby standby standby standby standby suspect active active | - - T - Y - - - - - T -
            promote when active runs nothing | 3 | 5 | F F F a P S | suspect suspect active active active active | - - T - - -
            demote when standby runs nothing | 3 | 5 | S D F F F F | standby standby standby standby standby standby | - - - - - -
            a failed promote is retried while pinned | 3 | 5 | P x S a S | active takeover-failed takeover-failed active active | T - T - -
            auto keeps a failed state and its retries | 3 | 5 | F F F x A F a | suspect suspect active takeover-failed takeover-failed takeover-failed active | - - T - - T -
            """)
    void follows_the_table(String description, int fall, int rise, String inputs, String states, String runs) {
        FailoverMachine machine = new FailoverMachine(fall, rise);
        List<String> seenStates = new ArrayList<>();
        List<String> seenRuns = new ArrayList<>();
        for (String input : inputs.split(" ")) {
            Step step = switch (input) {
                case "F" -> machine.check(false, "connection refused");
                case "S" -> machine.check(true, "200 in 1 ms");
                case "a" -> machine.actionsDone(true, "");
                case "x" -> machine.actionsDone(false, "restart gateway: exit 1");
                case "P" -> machine.promote();
                case "D" -> machine.demote();
                case "A" -> machine.auto();
                default -> throw new IllegalArgumentException(input);
            };
            assertThat(step.to()).isEqualTo(machine.state());
            seenStates.add(machine.state().wire());
            seenRuns.add(step.run() == null ? "-" : step.run() == Run.TAKEOVER ? "T" : "Y");
        }
        assertThat(String.join(" ", seenStates)).isEqualTo(states);
        assertThat(String.join(" ", seenRuns)).isEqualTo(runs);
    }

    @Test
    void the_takeover_reason_names_the_streak_and_the_last_failure() {
        FailoverMachine machine = new FailoverMachine(3, 5);
        machine.check(false, "connection refused");
        machine.check(false, "timed out after 5s");
        Step takeover = machine.check(false, "status 503");
        assertThat(takeover.from()).isEqualTo(FailoverState.SUSPECT);
        assertThat(takeover.reason()).isEqualTo("3 failed checks in a row (fall 3) (status 503)");
    }

    @Test
    void a_restored_active_machine_runs_nothing_until_the_primary_earns_a_yield() {
        FailoverMachine machine = FailoverMachine.restore(3, 5,
                new Snapshot(FailoverState.ACTIVE, FailoverMode.AUTO, 3, 0, null, 0, 0));
        assertThat(machine.check(true, "ok").run()).isNull();
        assertThat(machine.state()).isEqualTo(FailoverState.RECOVERING);
        assertThat(machine.check(false, "refused").run()).isNull();
        assertThat(machine.state()).isEqualTo(FailoverState.ACTIVE);
    }

    @Test
    void a_restored_suspect_machine_resumes_its_streak() {
        FailoverMachine machine = FailoverMachine.restore(3, 5,
                new Snapshot(FailoverState.SUSPECT, FailoverMode.AUTO, 2, 0, null, 0, 0));
        assertThat(machine.check(false, "refused").run()).isEqualTo(Run.TAKEOVER);
    }

    @Test
    void a_restored_machine_with_interrupted_actions_reports_them_pending() {
        FailoverMachine machine = FailoverMachine.restore(3, 5,
                new Snapshot(FailoverState.ACTIVE, FailoverMode.AUTO, 3, 0, Run.TAKEOVER, 0, 0));
        assertThat(machine.pending()).isEqualTo(Run.TAKEOVER);
        assertThatThrownBy(() -> machine.check(true, "ok")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the takeover actions are still running");
        assertThat(machine.actionsDone(true, "").to()).isEqualTo(FailoverState.ACTIVE);
    }

    @Test
    void a_pinned_machine_counts_without_deciding() {
        FailoverMachine machine = new FailoverMachine(3, 5);
        machine.demote();
        for (int i = 0; i < 7; i++) {
            assertThat(machine.check(false, "refused").run()).isNull();
        }
        assertThat(machine.snapshot()).isEqualTo(new Snapshot(FailoverState.STANDBY, FailoverMode.DEMOTED, 7, 0,
                null, 0, 0));
    }

    @Test
    void backoff_doubles_up_to_its_cap() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 100).stream().map(FailoverMachine::backoff))
                .containsExactly(1, 2, 4, 8, 10, 10, 10);
    }

    @Test
    void a_snapshot_refuses_two_streaks_at_once() {
        assertThatThrownBy(() -> new Snapshot(FailoverState.STANDBY, FailoverMode.AUTO, 1, 1, null, 0, 0))
                .hasMessageContaining("not both");
    }
}
