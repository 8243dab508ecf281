package dev.homefleet.controller.discovery;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fleets for discovery tests. Names carry a random suffix: other processes on this machine may advertise
 * {@code _homefleet._tcp} on loopback at the same time, and a test must only ever look at its own.
 */
final class TestFleet {

    private TestFleet() {}

    static String unique(String prefix) {
        return prefix + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    }

    /**
     * A controller (laptop, whose .local name is {@code laptopMdns}), a machine with an agent on
     * {@code knownPort} (.local name {@code knownMdns}) and one with an agent on {@code silentPort}.
     */
    static String yaml(String known, int knownPort, String silent, int silentPort, String laptopMdns,
            String knownMdns) {
        return """
                version: 1
                controller: {machine: laptop}
                machines:
                  laptop:
                    os: linux
                    role: controller
                    addresses: {mdns: %s}
                    reach: {via: local}
                  %s:
                    os: linux
                    addresses: {mdns: %s}
                    reach: {via: agent}
                    agent: {port: %d}
                  %s:
                    os: linux
                    reach: {via: agent}
                    agent: {port: %d}
                """.formatted(laptopMdns, known, knownMdns, knownPort, silent, silentPort);
    }

    static FleetConfig parse(String yaml) {
        LoadResult result = new FleetConfigLoader(Map.of()).parse(yaml, "fleet.yaml");
        return result.config();
    }
}
