package dev.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {

    private static final long MS = 1_000_000;

    @Test
    void percentiles_are_the_nearest_rank_whatever_the_order_of_the_samples() {
        Samples s = Samples.of(9 * MS, 1 * MS, 5 * MS, 3 * MS, 7 * MS, 2 * MS, 10 * MS, 4 * MS, 8 * MS, 6 * MS);

        assertThat(s.medianMillis()).isEqualTo(5.0);
        assertThat(s.percentileMillis(90)).isEqualTo(9.0);
        assertThat(s.percentileMillis(99)).isEqualTo(10.0);
        assertThat(s.percentileMillis(0)).isEqualTo(1.0);
    }

    @Test
    void samples_past_the_capacity_are_refused_not_stored() {
        Samples s = new Samples(2);

        assertThat(s.add(MS)).isTrue();
        assertThat(s.add(MS)).isTrue();
        assertThat(s.add(MS)).isFalse();
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void merged_samples_hold_every_part() {
        Samples all = Samples.merge(List.of(Samples.of(1 * MS, 2 * MS), Samples.of(), Samples.of(3 * MS)));

        assertThat(all.size()).isEqualTo(3);
        assertThat(all.medianMillis()).isEqualTo(2.0);
    }

    @Test
    void no_samples_have_no_median() {
        assertThatThrownBy(() -> new Samples(4).medianMillis()).hasMessage("no samples");
    }
}
