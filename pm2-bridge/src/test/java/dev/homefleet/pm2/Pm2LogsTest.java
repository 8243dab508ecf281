package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class Pm2LogsTest {

    @Test
    void lines_lose_pm2s_prefix_and_colours_and_keep_blank_lines_and_bars() {
        assertThat(Pm2Logs.parse(Captured.read("logs-chatty.txt"), "chatty", 10)).contains(List.of(
                "listening on 47313",
                "",
                "GET / | 200 | 3 ms",
                "warning: cache is cold",
                "error: upstream timed out"));
    }

    @Test
    void at_most_the_last_n_lines_come_back() {
        assertThat(Pm2Logs.parse(Captured.read("logs-chatty.txt"), "chatty", 2))
                .contains(List.of("warning: cache is cold", "error: upstream timed out"));
    }

    @Test
    void output_without_a_log_file_means_pm2_knows_no_such_app() {
        assertThat(Pm2Logs.parse(Captured.read("logs-unknown.txt"), "nosuch", 10)).isEmpty();
    }

    @Test
    void the_banner_of_a_daemon_that_logs_had_to_start_is_skipped() {
        String output = Captured.read("jlist-new-daemon.txt").replace("[]", "") + Captured.read("logs-chatty.txt");

        assertThat(Pm2Logs.parse(output, "chatty", 1)).contains(List.of("error: upstream timed out"));
    }
}
