package dev.homefleet.core.config;

import dev.homefleet.core.config.yaml.Location;
import java.util.HashMap;
import java.util.Map;

/** Where each key path of a fleet file was written, and the text as written (before ${...} expansion). */
final class SourceIndex {
    private final Map<String, Location> values = new HashMap<>();
    private final Map<String, Location> keys = new HashMap<>();
    private final Map<String, String> raw = new HashMap<>();

    void value(String path, Location location) {
        values.put(path, location);
    }

    void key(String path, Location location) {
        keys.put(path, location);
    }

    void raw(String path, String text) {
        raw.put(path, text);
    }

    /** The value's location; for a path that was never written, the nearest written ancestor's. */
    Location valueAt(String path) {
        String p = path;
        while (true) {
            Location found = values.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return Location.NONE;
            }
            p = parent(p);
        }
    }

    /** The key's location (where a name is written), falling back to the value's. */
    Location keyAt(String path) {
        Location found = keys.get(path);
        return found != null ? found : valueAt(path);
    }

    boolean written(String path) {
        return values.containsKey(path);
    }

    String rawAt(String path) {
        return raw.get(path);
    }

    static String parent(String path) {
        int bracket = path.lastIndexOf('[');
        int dot = path.lastIndexOf('.');
        int cut = Math.max(bracket, dot);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
