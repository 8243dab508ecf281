package dev.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    @Test
    void options_default_to_every_section_and_the_issues_counts() {
        BenchMain.Options o = BenchMain.parse(new String[0]);

        assertThat(o.sections()).containsExactlyInAnyOrder("ssh", "sweep", "agent");
        assertThat(o.commands()).isEqualTo(200);
        assertThat(o.sweeps()).isEqualTo(10);
        assertThat(o.out()).isEqualTo(Path.of("bench/target/bench-results.md"));
    }

    @Test
    void options_are_read_from_name_value_arguments() {
        BenchMain.Options o = BenchMain.parse(new String[] {"--sections=agent", "--commands=20",
                "--jvm-options=/tmp/x.options"});

        assertThat(o.sections()).containsExactly("agent");
        assertThat(o.commands()).isEqualTo(20);
        assertThat(o.jvmOptions()).isEqualTo(Path.of("/tmp/x.options"));
    }

    @Test
    void an_unknown_section_is_refused_naming_the_known_ones() {
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--sections=ssh,disk"}))
                .hasMessage("--sections takes ssh, sweep, agent, healer and failover, comma-separated; not 'disk'");
    }

    @Test
    void the_failover_healthy_run_is_10_minutes_unless_an_argument_or_the_environment_says_otherwise() {
        assertThat(BenchMain.parse(new String[0], Map.of()).failoverHealthy()).isEqualTo(Duration.ofMinutes(10));
        assertThat(BenchMain.parse(new String[0], Map.of(BenchMain.ENV_FAILOVER_HEALTHY, "30s")).failoverHealthy())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(BenchMain.parse(new String[] {"--failover-healthy=2m"},
                Map.of(BenchMain.ENV_FAILOVER_HEALTHY, "30s")).failoverHealthy()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--failover-healthy=10"}, Map.of()))
                .hasMessage("--failover-healthy: '10' has no unit; write it with one, e.g. 10s or 10m");
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--failover-healthy=0s"}, Map.of()))
                .hasMessage("--failover-healthy must be longer than 0, e.g. 10m or 30s");
    }

    @Test
    void a_count_must_be_above_zero() {
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--commands=0"}))
                .hasMessage("--commands must be a whole number above 0, not '0'");
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--sweeps=many"}))
                .hasMessage("--sweeps must be a whole number above 0, not 'many'");
    }

    @Test
    void an_argument_without_name_and_value_is_refused() {
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"agent"}))
                .hasMessage("arguments are --name=value, not 'agent'");
    }
}
