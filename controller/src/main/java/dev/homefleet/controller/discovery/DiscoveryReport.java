package dev.homefleet.controller.discovery;

import java.time.Duration;
import java.util.List;

/**
 * What a browse found, compared with fleet.yaml.
 *
 * @param address  the local address the browse ran on
 * @param listened how long it listened
 * @param agents   every agent that answered, fleet.yaml's first, by machine name
 * @param silent   fleet.yaml's machines with an agent that did not answer, in file order
 * @param names    fleet.yaml's mDNS names and what they resolved to, in file order
 */
public record DiscoveryReport(String address, Duration listened, List<FoundAgent> agents, List<SilentMachine> silent,
        List<MdnsName> names) {

    public DiscoveryReport {
        agents = List.copyOf(agents);
        silent = List.copyOf(silent);
        names = List.copyOf(names);
    }
}
