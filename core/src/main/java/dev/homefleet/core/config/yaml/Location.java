package dev.homefleet.core.config.yaml;

/** A 1-based line and column in a YAML document. */
public record Location(int line, int column) {
    public static final Location NONE = new Location(0, 0);
}
