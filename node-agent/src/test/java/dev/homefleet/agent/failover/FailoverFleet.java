package dev.homefleet.agent.failover;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Problem;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A two-machine fleet for failover tests: {@code book} is the primary, polled at a check URL on 127.0.0.1;
 * {@code mini} is the standby, runs the agent on loopback, and is also the controller's machine so the agent can post
 * its events to a test server on 127.0.0.1. The standby's {@code gateway} is a plain process (a node HTTP server);
 * takeover sets GATEWAY_TELEGRAM=true and starts it, yield stops it and sets false; each also appends a line to
 * {@code actions.log} by a command, so a test counts the runs.
 */
public final class FailoverFleet {

    private FailoverFleet() {}

    /**
     * @param takeoverCommand the last takeover step, a shell line; {@code echo takeover >> DIR/actions.log} by default
     */
    public static String yaml(Path dir, int primaryPort, int standbyPort, int controllerPort, String interval,
            String timeout, String takeoverCommand) {
        String log = dir.resolve("actions.log").toString();
        String takeover = takeoverCommand != null ? takeoverCommand : "echo takeover >> '" + log + "'";
        return """
                version: 1
                controller:
                  machine: mini
                  port: %4$d
                machines:
                  book:
                    os: linux
                    reach:
                      via: none
                  mini:
                    os: linux
                    reach:
                      via: local
                    agent:
                      bind: loopback
                    services:
                      gateway:
                        manager:
                          type: process
                          command: [node, -e, "require('http').createServer((q,r)=>r.end('standby')).listen(%3$d,'127.0.0.1')"]
                        port: %3$d
                        bind: loopback
                failover:
                  gw:
                    primary:
                      machine: book
                    standby:
                      machine: mini
                      service: gateway
                    check: http://127.0.0.1:%2$d/
                    interval: %5$s
                    timeout: %6$s
                    fall: 3
                    rise: 5
                    on_takeover:
                      - service: gateway
                        set_env:
                          GATEWAY_TELEGRAM: "true"
                      - service: gateway
                        action: start
                      - command: [sh, -c, "%7$s"]
                    on_yield:
                      - service: gateway
                        action: stop
                      - service: gateway
                        set_env:
                          GATEWAY_TELEGRAM: "false"
                      - command: [sh, -c, "echo yield >> '%1$s'"]
                """.formatted(log, primaryPort, standbyPort, controllerPort, interval, timeout,
                takeover.replace("\"", "\\\""));
    }

    /** The same pair without the standby's service: takeover and yield only append to {@code actions.log}. */
    public static String commandsOnly(Path dir, int primaryPort, String interval, String timeout,
            String takeoverCommand) {
        String log = dir.resolve("actions.log").toString();
        String takeover = takeoverCommand != null ? takeoverCommand : "echo takeover >> '" + log + "'";
        return """
                version: 1
                controller:
                  machine: mini
                machines:
                  book:
                    os: linux
                    reach:
                      via: none
                  mini:
                    os: linux
                    reach:
                      via: local
                failover:
                  gw:
                    primary:
                      machine: book
                    standby:
                      machine: mini
                    check: http://127.0.0.1:%2$d/
                    interval: %3$s
                    timeout: %4$s
                    fall: 3
                    rise: 5
                    on_takeover:
                      - command: [sh, -c, "%5$s"]
                    on_yield:
                      - command: [sh, -c, "echo yield >> '%1$s'"]
                """.formatted(log, primaryPort, interval, timeout, takeover.replace("\"", "\\\""));
    }

    public static FleetConfig parse(String yaml) {
        LoadResult result = new FleetConfigLoader(Map.of()).parse(yaml, "failover-fleet.yaml");
        if (!result.ok()) {
            throw new IllegalArgumentException(result.errors().stream().map(Problem::format)
                    .collect(Collectors.joining("\n")));
        }
        return result.config();
    }
}
