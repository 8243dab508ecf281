package dev.homefleet.core.alert.bot;

import java.util.List;

/**
 * What the bot may ask of the fleet and do to it, in plain text (the bot escapes it and shows it monospaced).
 * The controller answers from its state; a failover watchdog that has taken over answers what it knows. An
 * unknown machine or service is an {@link IllegalArgumentException} whose message the user reads.
 */
public interface FleetView {

    /** {@code /status}: the whole fleet in a few lines (machines up and down, services down, check-ins late). */
    String status();

    /** {@code /services [MACHINE]}: every service (of one machine) with its health and since when. */
    String services(String machine);

    /** {@code /ports [MACHINE]}: the declared ports (of one machine), what holds them, conflicts. */
    String ports(String machine);

    /** {@code /failover}: each failover pair, which side is active, and since when. */
    String failover();

    /** Every declared service as {@code MACHINE/SERVICE}, to check what {@code /restart} and {@code /mute} name. */
    List<String> serviceKeys();

    /**
     * {@code /restart MACHINE/SERVICE}, once confirmed by an admin.
     *
     * @return what happened, one line ("restarted through its agent")
     * @throws Exception when the restart failed; its message is shown
     */
    String restart(String machine, String service) throws Exception;
}
