package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;
import java.util.List;

/** The controller's own jobs; each is on with its default schedule unless told otherwise. */
public record JobsSpec(Checks checks, Heartbeat heartbeat, Healer healer, Cleaner cleaner) {

    public JobsSpec {
        checks = or(checks, new Checks(null, null, null));
        heartbeat = or(heartbeat, new Heartbeat(null, null, null, null));
        healer = or(healer, new Healer(null, null, null, null, null));
        cleaner = or(cleaner, new Cleaner(null, null, null, null, null, null, null));
    }

    /** Runs every service's check and debounces the results into up and down; a service.down wakes the healer. */
    public record Checks(Schedule schedule, Boolean enabled, Integer concurrency) {
        public Checks {
            schedule = or(schedule, Schedule.parse("@every 30s"));
            enabled = or(enabled, true);
            concurrency = or(concurrency, 64);
        }
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

    /**
     * Restarts services that are down, at most {@code maxRestartsPerRun} per run; a service restarted
     * {@code restartBudget} times within {@code budgetWindow} is given up on until it stays up again.
     */
    public record Healer(Schedule schedule, Boolean enabled, Integer maxRestartsPerRun, Integer restartBudget,
            Duration budgetWindow) {
        public Healer {
            schedule = or(schedule, Schedule.parse("0 */2 * * *"));
            enabled = or(enabled, true);
            maxRestartsPerRun = or(maxRestartsPerRun, 2);
            restartBudget = or(restartBudget, 3);
            budgetWindow = or(budgetWindow, Duration.ofHours(6));
        }
    }

    /**
     * Shuts down leaked simulators, reports orphaned processes (killing those on {@code killOrphans}), compares
     * listeners with the port registry, removes stale lock files, and purges history past its retention.
     *
     * @param killOrphans regular expressions matched against an orphan's command line; only matches are killed
     */
    public record Cleaner(Schedule schedule, Boolean enabled, Integer simulatorLimit, Duration orphanMinAge,
            List<String> killOrphans, List<Integer> watchPorts, List<Lock> locks) {
        public Cleaner {
            schedule = or(schedule, Schedule.parse("0 */2 * * *"));
            enabled = or(enabled, true);
            simulatorLimit = or(simulatorLimit, 20);
            orphanMinAge = or(orphanMinAge, Duration.ofHours(2));
            killOrphans = list(killOrphans);
            watchPorts = list(watchPorts);
            locks = list(locks);
        }
    }

    /**
     * Lock files the cleaner removes once older than {@code ttl}.
     *
     * @param path    a file or a glob in its last segment ({@code ~/.clawdbot/locks/*.lock})
     * @param machine where the files are; default the controller's machine
     */
    public record Lock(@Required String path, Duration ttl, String machine) {
        public static final Duration DEFAULT_TTL = Duration.ofHours(1);

        public Lock {
            ttl = or(ttl, DEFAULT_TTL);
        }
    }
}
