package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;

/**
 * The daemon on the main machine.
 *
 * @param bind        where its HTTP API, dashboard and WebSocket listen: an address, or {@code loopback},
 *                    {@code lan}, {@code tailscale}, {@code all}; anything beyond loopback needs {@link #tokens}
 * @param checkinPort a second listener on 127.0.0.1 for cron scripts that post to the port of the service
 *                    homefleet replaces (clawd-status on 9010), so they keep working unchanged
 */
public record ControllerSpec(
        @Required String machine,
        String bind,
        Integer port,
        Integer checkinPort,
        String dataDir,
        String database,
        Retention retention,
        TokensSpec tokens) {

    public static final int DEFAULT_PORT = 8420;

    public ControllerSpec {
        bind = or(bind, "127.0.0.1");
        port = or(port, DEFAULT_PORT);
        dataDir = or(dataDir, "~/.homefleet");
        database = or(database, dataDir + "/homefleet.db");
        retention = or(retention, new Retention(null, null, null, null));
    }

    /** How long each kind of history is kept before the cleaner purges it. */
    public record Retention(Duration events, Duration samples, Duration jobRuns, Duration reports) {
        public Retention {
            events = or(events, Duration.ofDays(30));
            samples = or(samples, Duration.ofDays(7));
            jobRuns = or(jobRuns, Duration.ofDays(7));
            reports = or(reports, Duration.ofHours(48));
        }
    }
}
