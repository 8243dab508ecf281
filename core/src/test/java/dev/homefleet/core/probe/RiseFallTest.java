package dev.homefleet.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.probe.RiseFall.State;
import dev.homefleet.core.probe.RiseFall.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiseFallTest {

    /**
     * Results: + ok, - failed. States after each result: ? unknown, U up, D down. Transitions: . none, v went down,
     * ^ went up.
     */
    @ParameterizedTest(name = "fall {0} rise {1}: {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # fall | rise | results          | states           | transitions
              3    | 2    | +                | U                | ^
              3    | 2    | ---              | ??D              | ..v
              3    | 2    | --+              | ??U              | ..^
              3    | 2    | +--              | UUU              | ^..
              3    | 2    | +---             | UUUD             | ^..v
              3    | 2    | +--+--           | UUUUUU           | ^.....
              3    | 2    | +-+-+-+-+-+-     | UUUUUUUUUUUU     | ^...........
              3    | 2    | -+-+-+           | ?UUUUU           | .^....
              3    | 2    | ---++            | ??DDU            | ..v.^
              3    | 2    | ---+-+-+-        | ??DDDDDDD        | ..v......
              3    | 2    | ---+-++          | ??DDDDU          | ..v...^
              3    | 2    | ------           | ??DDDD           | ..v...
              3    | 2    | +---++---        | UUUDDUUUD        | ^..v.^..v
              1    | 1    | -+-+             | DUDU             | v^v^
              2    | 3    | +--+++           | UUDDDU           | ^.v..^
              3    | 5    | +---++++-+++++   | UUUDDDDDDDDDDU   | ^..v.........^
            """)
    void states_and_transitions_follow_the_consecutive_counts(int fall, int rise, String results, String states,
            String transitions) {
        RiseFall counter = new RiseFall(fall, rise);
        String expectedStates = states.replace(" ", "");
        StringBuilder seenStates = new StringBuilder();
        StringBuilder seenTransitions = new StringBuilder();
        for (char r : results.toCharArray()) {
            Transition t = counter.record(r == '+');
            seenTransitions.append(switch (t) {
                case NONE -> '.';
                case WENT_DOWN -> 'v';
                case WENT_UP -> '^';
            });
            seenStates.append(switch (counter.state()) {
                case UNKNOWN -> '?';
                case UP -> 'U';
                case DOWN -> 'D';
            });
        }
        assertThat(seenStates.toString()).as("states").isEqualTo(expectedStates);
        assertThat(seenTransitions.toString()).as("transitions").isEqualTo(transitions);
    }

    @Test
    void a_success_resets_the_failures_and_a_failure_resets_the_successes() {
        RiseFall counter = new RiseFall(3, 2);
        counter.record(false);
        counter.record(false);
        assertThat(counter.failures()).isEqualTo(2);
        assertThat(counter.successes()).isZero();
        counter.record(true);
        assertThat(counter.failures()).isZero();
        assertThat(counter.successes()).isEqualTo(1);
        counter.record(false);
        assertThat(counter.failures()).isEqualTo(1);
        assertThat(counter.successes()).isZero();
    }

    @Test
    void restored_counts_carry_on_where_they_were_saved() {
        RiseFall up = RiseFall.restore(3, 2, State.UP, 2, 0);
        assertThat(up.record(false)).isEqualTo(Transition.WENT_DOWN);

        RiseFall down = RiseFall.restore(3, 5, State.DOWN, 0, 4);
        assertThat(down.record(true)).isEqualTo(Transition.WENT_UP);

        RiseFall saved = new RiseFall(3, 2);
        saved.record(true);
        saved.record(false);
        RiseFall again = RiseFall.restore(saved.fall(), saved.rise(), saved.state(), saved.failures(),
                saved.successes());
        assertThat(again.toString()).isEqualTo(saved.toString()).isEqualTo("up (failures 1, successes 0; fall 3, "
                + "rise 2)");
    }

    @Test
    void fall_and_rise_are_at_least_one() {
        assertThatThrownBy(() -> new RiseFall(0, 2)).hasMessage("fall must be at least 1, was 0");
        assertThatThrownBy(() -> new RiseFall(3, 0)).hasMessage("rise must be at least 1, was 0");
    }

    @Test
    void restored_counts_must_be_one_streak() {
        assertThatThrownBy(() -> RiseFall.restore(3, 2, State.UP, 1, 1))
                .hasMessage("a streak is of failures or of successes, not both (failures 1, successes 1)");
        assertThatThrownBy(() -> RiseFall.restore(3, 2, State.UP, -1, 0))
                .hasMessage("counts cannot be negative, were failures -1 and successes 0");
    }
}
