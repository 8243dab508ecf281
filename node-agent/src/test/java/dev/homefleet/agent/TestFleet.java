package dev.homefleet.agent;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec;
import java.util.Map;

/** A small fleet for agent tests: machine {@code box} with a LAN address, an agent token and three services. */
public final class TestFleet {

    public static final String TOKEN_VARIABLE = "TEST_AGENT_TOKEN";
    public static final String TOKEN = "s3cret-agent-token-5d1b";

    private TestFleet() {}

    /** @param webPort the port of service {@code web}, which listens on loopback */
    public static String yaml(int webPort) {
        return """
                controller:
                  machine: box
                machines:
                  box:
                    os: linux
                    addresses:
                      lan: 192.0.2.10
                    reach:
                      via: local
                    agent:
                      port: 8421
                      bind: lan
                      token: ${TEST_AGENT_TOKEN}
                    services:
                      web:
                        manager:
                          type: pm2
                          name: web
                          script: server.js
                        port: %d
                        bind: loopback
                      worker:
                        manager:
                          type: process
                          command: [sleep, "1000"]
                      ollama-client:
                        manager:
                          type: pm2
                          name: ollama
                          script: ollama
                        port: 11434
                        bind: none
                """.formatted(webPort);
    }

    public static FleetConfig config(int webPort) {
        return new FleetConfigLoader(Map.of(TOKEN_VARIABLE, TOKEN)).parse(yaml(webPort), "test-fleet.yaml").config();
    }

    public static MachineSpec box(int webPort) {
        return config(webPort).machine("box").orElseThrow();
    }
}
