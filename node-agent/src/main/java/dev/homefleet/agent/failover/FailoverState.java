package dev.homefleet.agent.failover;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Where a failover stands, as seen from its standby machine. The first three and {@link #YIELD_FAILED} are on the
 * standby side (the primary serves), the others on the active side (this machine took over); the side says which
 * threshold the next checks count toward: {@code fall} failures to take over, {@code rise} successes to yield.
 */
public enum FailoverState {
    /** The primary answers; nothing to do. */
    STANDBY("standby", false),
    /** The primary failed 1 to fall-1 checks in a row. */
    SUSPECT("suspect", false),
    /** This machine took over. */
    ACTIVE("active", true),
    /** Took over, and the primary answered 1 to rise-1 checks in a row. */
    RECOVERING("recovering", true),
    /** A takeover action failed; the actions are retried with backoff. */
    TAKEOVER_FAILED("takeover-failed", true),
    /** A yield action failed; the actions are retried with backoff. */
    YIELD_FAILED("yield-failed", false);

    private final String wire;
    private final boolean activeSide;

    FailoverState(String wire, boolean activeSide) {
        this.wire = wire;
        this.activeSide = activeSide;
    }

    /** True when this machine has taken over (or is trying to): the primary's successes count toward yielding. */
    public boolean activeSide() {
        return activeSide;
    }

    public boolean failed() {
        return this == TAKEOVER_FAILED || this == YIELD_FAILED;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FailoverState fromWire(String text) {
        return Arrays.stream(values()).filter(s -> s.wire.equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a failover state; "
                        + "use one of " + String.join(", ", Arrays.stream(values()).map(FailoverState::wire).toList())));
    }

    @Override
    public String toString() {
        return wire;
    }
}
