package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetJsonTest {

    @Test
    void records_are_written_with_snake_case_keys_iso_instants_short_durations_and_lowercase_enums()
            throws Exception {
        MachineMetrics metrics = new MachineMetrics(Instant.parse("2026-11-22T00:28:39Z"), 12.5, 1.5, 1, 2, 0, 0,
                List.of(new MachineMetrics.DiskUsage("/", 3, 4)), 81, 60);
        String json = FleetJson.json().writeValueAsString(Map.of("metrics", metrics, "every",
                Duration.ofMinutes(15), "os", MachineSpec.Os.MACOS));
        assertThat(json).contains("\"collected_at\" : \"2026-11-22T00:28:39Z\"", "\"cpu_percent\" : 12.5",
                "\"every\" : \"15m\"", "\"os\" : \"macos\"");
    }
}
