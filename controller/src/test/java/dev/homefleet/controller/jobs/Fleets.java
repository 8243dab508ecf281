package dev.homefleet.controller.jobs;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.StateHolder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Test fleets from YAML, through the real loader, so every default is fleet.yaml's; and what jobs run with. */
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

    /** The state of a controller that has just started. */
    static StateHolder emptyState() {
        return new StateHolder(FleetState.empty(new FleetState.ConfigStatus("fleet.yaml", Instant.now(), true,
                List.of())));
    }

    /** A pool like the daemon's: threads as needed, daemons, so a hung check cannot keep the JVM alive. */
    static ExecutorService daemonPool(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
