package dev.homefleet.core.config;

import java.nio.file.Path;

/** File paths in fleet.yaml may start with {@code ~/}, meaning the home directory of the user running homefleet. */
public final class Paths {
    private Paths() {}

    public static Path expandHome(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }
}
