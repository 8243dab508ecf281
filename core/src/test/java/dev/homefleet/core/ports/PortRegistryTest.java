package dev.homefleet.core.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortRegistryTest {

    private static final String FLEET = """
            version: 1
            controller: {machine: one}
            machines:
              one:
                os: linux
                reach: {via: local}
                services:
                  game-a: {manager: {type: process, command: [a]}, port: 2567, project: game}
                  game-c: {manager: {type: process, command: [c]}, port: 2569, project: game}
              two:
                os: linux
                reach: {via: ssh, ssh: {host: two}}
                services:
                  game-b: {manager: {type: process, command: [b]}, port: 2568, project: game}
            ports:
              reserved:
                game: {range: 2567-2571, default_ports: [2567]}
                web: {range: 4000-4001}
            """;

    private final LoadResult loaded = new FleetConfigLoader(Map.of()).parse(FLEET, "f.yaml");
    private final FleetConfig config = loaded.config();
    private final PortRegistry registry = PortRegistry.of(config);

    @Test
    void suggest_gives_the_lowest_port_of_the_range_free_on_that_machine() {
        assertThat(registry.suggest("game", Optional.of("one"))).hasValue(2568);
        assertThat(registry.suggest("game", Optional.of("two"))).hasValue(2567);
        assertThat(registry.suggest("game", Optional.empty())).as("free on every machine").hasValue(2570);
        assertThat(registry.suggest("web", Optional.of("one"))).hasValue(4000);
    }

    @Test
    void a_full_range_suggests_nothing_and_an_unknown_project_is_named() {
        FleetConfig full = new FleetConfigLoader(Map.of()).parse(FLEET.replace("web: {range: 4000-4001}",
                "web: {range: 4000-4001}\n    tiny: {range: 2569}"), "f.yaml").bound().orElseThrow();
        assertThat(PortRegistry.of(full).suggest("tiny", Optional.of("one"))).isEmpty();
        assertThatThrownBy(() -> registry.suggest("gmae", Optional.empty()))
                .hasMessage("no port range is reserved for project 'gmae'; did you mean 'game'?");
    }

    @Test
    void range_usage_counts_the_ports_used_per_machine_or_fleet_wide() {
        RangeUsage fleetWide = registry.ranges(Optional.empty()).get(0);
        assertThat(fleetWide.used()).extracting(PortEntry::port).containsExactly(2567, 2568, 2569);
        assertThat(fleetWide.free()).isEqualTo(2);
        RangeUsage onTwo = registry.ranges(Optional.of("two")).get(0);
        assertThat(onTwo.used()).extracting(PortEntry::service).containsExactly("game-b");
        assertThat(onTwo.free()).isEqualTo(4);
    }

    @Test
    void the_controller_is_a_listener_like_any_other() {
        assertThat(registry.entries("one")).extracting(PortEntry::service)
                .containsExactly("game-a", "game-c", "homefleet-controller");
        assertThat(registry.conflicts()).isEmpty();
    }

    @Test
    void conflicts_name_both_sides() {
        FleetConfig clash = new FleetConfigLoader(Map.of()).parse(FLEET.replace("port: 2569, project: game",
                "port: 4000"), "f.yaml").bound().orElseThrow();
        assertThat(PortRegistry.of(clash).conflicts()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Conflict.Kind.FOREIGN_RANGE);
            assertThat(c.message()).isEqualTo("port 4000 of game-c on one is inside 4000-4001, reserved for web");
        });
    }
}
