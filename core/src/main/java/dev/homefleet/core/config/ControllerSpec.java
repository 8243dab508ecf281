package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.or;

/**
 * The daemon on the main machine.
 *
 * @param bind where its HTTP API, dashboard and WebSocket listen: an address, or {@code loopback}, {@code lan},
 *             {@code tailscale}, {@code all}; anything beyond loopback needs {@link #tokens}
 */
public record ControllerSpec(
        @Required String machine,
        String bind,
        Integer port,
        String dataDir,
        TokensSpec tokens) {

    public static final int DEFAULT_PORT = 8420;

    public ControllerSpec {
        bind = or(bind, "127.0.0.1");
        port = or(port, DEFAULT_PORT);
        dataDir = or(dataDir, "~/.homefleet");
    }
}
