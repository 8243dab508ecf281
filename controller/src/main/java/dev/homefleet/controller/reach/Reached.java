package dev.homefleet.controller.reach;

import java.util.List;

/**
 * A value and the path that answered for it ({@code agent http://10.144.238.117:8421}, {@code ssh
 * felipemacmini@felipes-mac-mini.local:22}, {@code local}), with why the paths tried before it did not.
 */
public record Reached<T>(T value, String via, List<String> fallbacks) {
    public Reached {
        fallbacks = List.copyOf(fallbacks);
    }
}
