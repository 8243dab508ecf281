package dev.homefleet.controller.jobs;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.util.Map;

/** Test fleets from YAML, through the real loader, so every default is fleet.yaml's. */
final class Fleets {
    /** The start of every test fleet: the controller's machine, reached locally. */
    static final String LAPTOP = """
            version: 1
            controller: {machine: laptop}
            machines:
              laptop:
                os: linux
                reach: {via: local}
            """;

    private Fleets() {}

    static FleetConfig parse(String yaml) {
        LoadResult loaded = new FleetConfigLoader(Map.of()).parse(yaml, "fleet.yaml");
        if (!loaded.ok()) {
            throw new IllegalArgumentException("test fleet is invalid: " + loaded.errors());
        }
        return loaded.config();
    }
}
