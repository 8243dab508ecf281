package dev.homefleet.controller.ssh;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.SshSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where and how one machine is reached over SSH: fleet.yaml's {@code reach.ssh} merged with ~/.ssh/config as
 * {@code ssh HOST} would merge them. fleet.yaml wins where it says something; the config fills in the rest.
 *
 * @param alias        {@code reach.ssh.host} as written, possibly a {@code Host} alias of ~/.ssh/config
 * @param hostName     the name or address connected to, and the name known_hosts knows the machine by
 * @param identities   the private key files offered, in order
 * @param namedKeys    true when fleet.yaml or ~/.ssh/config named the keys; false for the default keys of ~/.ssh,
 *                     which are skipped quietly when missing
 */
public record SshTarget(
        String machine,
        String alias,
        String hostName,
        int port,
        String user,
        List<Path> identities,
        boolean namedKeys,
        Optional<SocksProxy> proxy,
        Duration connectTimeout,
        Duration commandTimeout,
        SshSpec.Shell shell,
        Path knownHosts) {

    /** The keys tried when nothing names one, in OpenSSH's order. */
    public static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private static final Logger LOG = LoggerFactory.getLogger(SshTarget.class);

    public SshTarget {
        identities = List.copyOf(identities);
    }

    /**
     * The target of {@code machine}, with ~/.ssh/config, known_hosts and the default keys read from {@code home}.
     *
     * @param localUser the user name when neither fleet.yaml nor ~/.ssh/config gives one, as ssh does
     * @throws IllegalArgumentException when the machine is not reached over SSH
     * @throws IOException              when ~/.ssh/config cannot be read
     */
    public static SshTarget resolve(MachineSpec machine, Path home, String localUser) throws IOException {
        SshSpec ssh = machine.reach() == null ? null : machine.reach().ssh();
        if (ssh == null) {
            throw new IllegalArgumentException("machine " + machine.name() + " has no reach.ssh block; "
                    + "it is not reached over SSH");
        }
        Path dotSsh = home.resolve(".ssh");
        SshConfigFile config = SshConfigFile.lookup(dotSsh.resolve("config"), ssh.host());
        String hostName = config.hostName() != null ? config.hostName() : ssh.host();
        // SshSpec fills in port 22 when fleet.yaml says nothing, so a 22 there yields to a Port in ~/.ssh/config.
        int port = ssh.port() != null && ssh.port() != 22 ? ssh.port() : config.port() != null ? config.port() : 22;
        String user = ssh.user() != null ? ssh.user() : config.user() != null ? config.user() : localUser;
        Optional<SocksProxy> proxy = Optional.ofNullable(ssh.proxy()).map(SocksProxy::parse);
        if (proxy.isEmpty() && config.proxyCommand() != null) {
            LOG.warn("machine {}: ~/.ssh/config gives a ProxyCommand/ProxyJump for {}, which homefleet does not run; "
                    + "connecting directly (set reach.ssh.proxy: socks5://HOST:PORT to go through a proxy)",
                    machine.name(), ssh.host());
        }
        Tokens tokens = new Tokens(home, localUser, hostName, port, user);
        List<Path> identities;
        boolean named = true;
        if (ssh.identity() != null) {
            identities = List.of(tokens.path(ssh.identity()));
        } else if (!config.identityFiles().isEmpty()) {
            identities = config.identityFiles().stream().map(tokens::path).toList();
        } else {
            identities = DEFAULT_KEYS.stream().map(dotSsh::resolve).toList();
            named = false;
        }
        SshSpec.Shell shell = ssh.shell() != null ? ssh.shell()
                : machine.os() == MachineSpec.Os.WINDOWS ? SshSpec.Shell.POWERSHELL : SshSpec.Shell.POSIX;
        return new SshTarget(machine.name(), ssh.host(), hostName, port, user, identities, named, proxy,
                ssh.connectTimeout(), ssh.commandTimeout(), shell, dotSsh.resolve("known_hosts"));
    }

    /** How known_hosts names this host: {@code host} on port 22, else {@code [host]:port}. */
    public String hostId() {
        return port == 22 ? hostName : "[" + hostName + "]:" + port;
    }

    /** {@code user@host:port}. */
    public String address() {
        return user + "@" + hostName + ":" + port;
    }

    /** {@code ssh user@host:port}, and the proxy when there is one. */
    public String describe() {
        return "ssh " + address() + proxy.map(p -> " via " + p).orElse("");
    }

    /** The {@code ~} and {@code %} tokens of an IdentityFile, as ssh_config(5) defines those that matter here. */
    private record Tokens(Path home, String localUser, String hostName, int port, String user) {
        Path path(String value) {
            String v = value.trim();
            if (v.length() > 1 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            if (v.equals("~")) {
                return home;
            }
            if (v.startsWith("~/")) {
                v = home + v.substring(1);
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c != '%' || i + 1 == v.length()) {
                    out.append(c);
                    continue;
                }
                char t = v.charAt(++i);
                switch (t) {
                    case '%' -> out.append('%');
                    case 'd' -> out.append(home);
                    case 'u' -> out.append(localUser);
                    case 'h' -> out.append(hostName);
                    case 'p' -> out.append(port);
                    case 'r' -> out.append(user);
                    default -> out.append('%').append(t);
                }
            }
            return Path.of(out.toString());
        }
    }
}
