package dev.homefleet.core.config;

/**
 * How the controller reaches a machine. {@code local}: it is the controller's own machine. {@code ssh}: over SSH
 * (and through the machine's agent when it has one). {@code agent}: only through the node agent's HTTP API.
 * {@code none}: not reached at all (a phone).
 */
public record ReachSpec(@Required Via via, SshSpec ssh) {
    public enum Via { LOCAL, SSH, AGENT, NONE }
}
