package dev.homefleet.controller.state;

/** What the controller believes about a machine or a service. */
public enum Health {
    /** Not checked yet, or no check says either way. */
    UNKNOWN,
    UP,
    /** Running, but not all is well (the manager says running and its port does not answer, a slow answer). */
    DEGRADED,
    DOWN,
    /** Down, and the healer has used up its restart budget: it no longer touches the service. */
    GAVE_UP
}
