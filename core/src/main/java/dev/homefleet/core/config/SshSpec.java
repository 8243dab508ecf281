package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;

/**
 * @param host     a host name, an address, or a Host alias from ~/.ssh/config
 * @param identity a private key file; default: the keys in ~/.ssh
 * @param proxy    {@code socks5://HOST:PORT} to connect through, e.g. Tailscale's userspace proxy
 * @param shell    the remote shell arguments are quoted for; default from the machine's os
 */
public record SshSpec(
        @Required String host,
        String user,
        Integer port,
        String identity,
        String proxy,
        Duration connectTimeout,
        Duration commandTimeout,
        Shell shell) {

    public enum Shell { POSIX, POWERSHELL }

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    public SshSpec {
        port = or(port, 22);
        connectTimeout = or(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        commandTimeout = or(commandTimeout, DEFAULT_COMMAND_TIMEOUT);
    }
}
