package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonValue;

/** An inclusive range of TCP/UDP ports, written {@code 2567-2599} or, for one port, {@code 8081}. */
public record PortRange(int from, int to) {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;

    public static PortRange parse(String text) {
        String[] parts = text.strip().split("\\s*-\\s*", -1);
        if (parts.length > 2 || !parts[0].matches("\\d+") || (parts.length == 2 && !parts[1].matches("\\d+"))) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a port range; write FROM-TO, e.g. 3000-3099, or a single port");
        }
        int from = port(parts[0]);
        int to = parts.length == 2 ? port(parts[1]) : from;
        if (to < from) {
            throw new IllegalArgumentException(
                    "range " + text + " ends before it starts; write the lower port first: " + to + "-" + from);
        }
        return new PortRange(from, to);
    }

    private static int port(String digits) {
        long value = digits.length() > 6 ? Long.MAX_VALUE : Long.parseLong(digits);
        if (value < MIN_PORT || value > MAX_PORT) {
            throw new IllegalArgumentException(
                    "port " + digits + " is out of range; ports are " + MIN_PORT + " to " + MAX_PORT);
        }
        return (int) value;
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    public boolean overlaps(PortRange other) {
        return from <= other.to && other.from <= to;
    }

    public int size() {
        return to - from + 1;
    }

    @JsonValue
    @Override
    public String toString() {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }
}
