package dev.homefleet.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.state.FleetState.ConfigStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StateHolderTest {

    private final StateHolder holder = new StateHolder(FleetState.empty(
            new ConfigStatus("/home/felipe/fleet.yaml", Instant.parse("2025-03-01T10:00:00Z"), true, null)));

    @Test
    void a_listener_hears_the_snapshot_before_and_after_a_change() {
        List<FleetState[]> heard = new ArrayList<>();
        holder.onChange((before, after) -> heard.add(new FleetState[] {before, after}));
        FleetState first = holder.get();

        FleetState next = holder.update(s -> s.withConflicts(List.of("macmini:2567 declared twice")));

        assertThat(heard).hasSize(1);
        assertThat(heard.get(0)[0]).isSameAs(first);
        assertThat(heard.get(0)[1]).isSameAs(next);
    }

    @Test
    void a_change_that_returns_the_same_snapshot_is_not_announced() {
        List<FleetState> heard = new ArrayList<>();
        holder.onChange((before, after) -> heard.add(after));

        holder.update(s -> s);

        assertThat(heard).isEmpty();
    }

    @Test
    void a_failing_listener_does_not_stop_the_change_or_the_other_listeners() {
        List<FleetState> heard = new ArrayList<>();
        holder.onChange((before, after) -> {
            throw new IllegalStateException("broken listener");
        });
        holder.onChange((before, after) -> heard.add(after));

        FleetState next = holder.update(s -> s.withConflicts(List.of("x")));

        assertThat(holder.get()).isSameAs(next);
        assertThat(heard).containsExactly(next);
    }

    @Test
    void concurrent_changes_give_a_chain_of_pairs_each_transition_heard_once() throws Exception {
        // Identity: two snapshots may be equal records.
        Map<FleetState, FleetState> next = Collections.synchronizedMap(new IdentityHashMap<>());
        holder.onChange((before, after) -> assertThat(next.put(before, after)).isNull());
        FleetState first = holder.get();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        holder.update(s -> s.withConflicts(List.of("change " + Math.random())));
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        int steps = 0;
        for (FleetState s = first; s != holder.get(); s = next.get(s)) {
            steps++;
        }
        assertThat(steps).isEqualTo(2000);
        assertThat(next).hasSize(2000);
    }
}
