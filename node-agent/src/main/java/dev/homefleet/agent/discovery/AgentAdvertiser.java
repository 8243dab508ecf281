package dev.homefleet.agent.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this machine's agent on the local network as {@value #SERVICE_TYPE}, so {@code fleet discover} finds
 * it: instance name and TXT {@code machine} are the machine's name in fleet.yaml, TXT {@code version} is the
 * agent's version and TXT {@code port} its port (also in the SRV record).
 *
 * <p>JmDNS is bound to one address, never to whatever interface it would pick. {@link #close()} says goodbye to
 * the network and takes about two seconds, most of it JmDNS's own closing handshake.
 */
public final class AgentAdvertiser implements AutoCloseable {

    public static final String SERVICE_TYPE = "_homefleet._tcp.local.";
    public static final String TXT_MACHINE = "machine";
    public static final String TXT_VERSION = "version";
    public static final String TXT_PORT = "port";

    private static final Logger log = LoggerFactory.getLogger(AgentAdvertiser.class);

    private final JmDNS jmdns;
    private final ServiceInfo info;
    private boolean closed;

    private AgentAdvertiser(JmDNS jmdns, ServiceInfo info) {
        this.jmdns = jmdns;
        this.info = info;
    }

    /**
     * @param address the address to advertise on and to give as the agent's host (its LAN address, or
     *                127.0.0.1 in tests)
     * @param machine the machine's name in fleet.yaml
     * @param port    the port the agent listens on
     * @param version the agent's version, e.g. 0.1.0
     */
    public static AgentAdvertiser start(InetAddress address, String machine, int port, String version)
            throws IOException {
        Objects.requireNonNull(address, "address");
        if (machine == null || machine.isBlank()) {
            throw new IllegalArgumentException("machine must be the machine's name in fleet.yaml, was blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank; pass e.g. 0.1.0");
        }
        // Our own host name, so JmDNS never claims (and fights the OS over) the machine's real .local name.
        JmDNS jmdns = JmDNS.create(address, "homefleet-agent-" + machine);
        try {
            ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, machine, port, 0, 0,
                    Map.of(TXT_MACHINE, machine, TXT_VERSION, version, TXT_PORT, String.valueOf(port)));
            jmdns.registerService(info);
            log.info("advertising agent '{}' as {} on {} port {}", machine, SERVICE_TYPE, address.getHostAddress(),
                    port);
            return new AgentAdvertiser(jmdns, info);
        } catch (IOException | RuntimeException e) {
            jmdns.close();
            throw e;
        }
    }

    /** The instance name as registered; JmDNS renames it ("macmini (2)") if another agent took the name. */
    public String instanceName() {
        return info.getName();
    }

    /** Withdraws the service (goodbye packets) and releases the socket. Safe to call twice. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // JmDNS's close unregisters every service (goodbye packets) itself; doing it first doubles the wait.
        jmdns.close();
        log.info("stopped advertising agent '{}'", info.getPropertyString(TXT_MACHINE));
    }
}
