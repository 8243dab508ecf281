package dev.homefleet.core.metrics;

/**
 * A TCP socket in the LISTEN state on a machine.
 *
 * @param address the local address it is bound to: 0.0.0.0, ::, 127.0.0.1, a LAN address
 * @param pid     the owning process, or -1 when the OS will not say (another user's process)
 * @param process the owning process's name, or empty
 */
public record ListeningSocket(int port, String address, int pid, String process) {}
