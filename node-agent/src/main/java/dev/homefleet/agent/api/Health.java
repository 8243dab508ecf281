package dev.homefleet.agent.api;

/**
 * The agent's answer to "are you there": {@code {"status":"ok","machine":"macmini","version":"0.1.0","uptime_s":42}}.
 *
 * @param uptimeS seconds since this agent started (not the machine: that is in the metrics)
 */
public record Health(String status, String machine, String version, long uptimeS) {

    public static final String OK = "ok";
}
