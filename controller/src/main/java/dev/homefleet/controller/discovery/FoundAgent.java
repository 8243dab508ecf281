package dev.homefleet.controller.discovery;

/**
 * An agent that answered on mDNS.
 *
 * @param machine the machine it says it runs on (TXT machine, else its instance name)
 * @param host    the address it advertised, or null if its address record has not arrived
 * @param port    its port
 * @param version its version, or null if it did not say
 * @param known   whether fleet.yaml has a machine of that name
 * @param note    what does not match fleet.yaml, or null
 */
public record FoundAgent(String machine, String host, int port, String version, boolean known, String note) {}
