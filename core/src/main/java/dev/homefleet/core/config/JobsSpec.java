package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;
import java.util.List;

/** The controller's own jobs; each is on with its default schedule unless told otherwise. */
public record JobsSpec(Heartbeat heartbeat, Healer healer, Cleaner cleaner) {

    public JobsSpec {
        heartbeat = or(heartbeat, new Heartbeat(null, null, null, null));
        healer = or(healer, new Healer(null, null, null));
        cleaner = or(cleaner, new Cleaner(null, null, null, null, null));
    }

    /** Collects every machine's metrics, raises resource warnings, writes the snapshot as JSON. */
    public record Heartbeat(Schedule schedule, Boolean enabled, String writeJson, Thresholds thresholds) {
        public Heartbeat {
            schedule = or(schedule, Schedule.parse("@every 60m"));
            enabled = or(enabled, true);
            thresholds = or(thresholds, new Thresholds(null, null, null));
        }
    }

    /** Percentages over which the heartbeat raises resource.warning. */
    public record Thresholds(Integer swapPercent, Integer memoryPercent, Integer diskPercent) {
        public Thresholds {
            swapPercent = or(swapPercent, 50);
            memoryPercent = or(memoryPercent, 90);
            diskPercent = or(diskPercent, 90);
        }
    }

    /** Restarts services that are down, at most {@code maxRestarts} per service per run. */
    public record Healer(Schedule schedule, Boolean enabled, Integer maxRestarts) {
        public Healer {
            schedule = or(schedule, Schedule.parse("0 */2 * * *"));
            enabled = or(enabled, true);
            maxRestarts = or(maxRestarts, 2);
        }
    }

    /** Shuts down leaked simulators, reports orphaned processes and unexpected listeners on watched ports. */
    public record Cleaner(Schedule schedule, Boolean enabled, Integer simulatorLimit, Duration orphanAge,
            List<Integer> watchPorts) {
        public Cleaner {
            schedule = or(schedule, Schedule.parse("0 */2 * * *"));
            enabled = or(enabled, true);
            simulatorLimit = or(simulatorLimit, 20);
            orphanAge = or(orphanAge, Duration.ofHours(2));
            watchPorts = list(watchPorts);
        }
    }
}
