package dev.homefleet.agent.failover;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * Who decides: the checks ({@link #AUTO}), or a person who pinned this machine active ({@code fleet failover
 * promote}) or standby ({@code fleet failover demote}) until {@code fleet failover auto}.
 */
public enum FailoverMode {
    AUTO, PROMOTED, DEMOTED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static FailoverMode fromWire(String text) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a failover mode; use auto, "
                        + "promoted or demoted"));
    }

    @Override
    public String toString() {
        return wire();
    }
}
