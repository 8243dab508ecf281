package dev.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.sweep.MetricsSweep;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepBenchTest {

    @Test
    void the_linux_sweep_cuts_into_six_probes_the_cpu_reading_with_its_pause_being_one() {
        List<List<String>> probes = SweepBench.probes(MetricsSweep.argv(Os.LINUX));

        assertThat(probes).hasSize(6);
        String cpu = probes.get(0).get(2);
        assertThat(cpu).contains("s stat;", "sleep", "s stat-after;").doesNotContain("meminfo");
        assertThat(probes.get(1).get(2)).contains("s meminfo;").doesNotContain("s stat;");
    }

    @Test
    void every_probe_is_a_whole_script_with_the_sweeps_helpers() {
        String sweep = MetricsSweep.argv(Os.LINUX).get(2);
        String helpers = sweep.substring(0, sweep.indexOf("s() {"));

        assertThat(SweepBench.probes(MetricsSweep.argv(Os.LINUX))).allSatisfy(probe -> {
            assertThat(probe.subList(0, 2)).containsExactly("/bin/sh", "-c");
            assertThat(probe.get(2)).startsWith(helpers).contains("s() {").endsWith("\n");
        });
    }

    @Test
    void a_script_without_the_marker_helper_is_refused_by_name() {
        assertThatThrownBy(() -> SweepBench.probes(List.of("/bin/sh", "-c", "echo hi\n")))
                .hasMessageContaining("has no 's() {' line any more");
    }
}
