package dev.homefleet.core.config.yaml;

/** The text is not well-formed YAML (or uses a YAML feature fleet files do not allow). */
public final class YamlSyntaxException extends Exception {
    private final Location location;

    public YamlSyntaxException(String message, Location location) {
        super(message);
        this.location = location;
    }

    public Location location() {
        return location;
    }
}
