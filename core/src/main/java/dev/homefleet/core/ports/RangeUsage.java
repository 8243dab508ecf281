package dev.homefleet.core.ports;

import java.util.List;

/** A reserved range and what of it is taken. */
public record RangeUsage(String project, int from, int to, String description, List<Integer> defaultPorts,
        List<PortEntry> used, int free) {}
