package dev.homefleet.controller.discovery;

import dev.homefleet.agent.discovery.AgentAdvertiser;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Suggest;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browses for {@value AgentAdvertiser#SERVICE_TYPE} on one local address and compares what answers with
 * fleet.yaml; meanwhile it asks for the fleet's {@code .local} names (again at 1 s, 2 s, 4 s ... up to every 16 s
 * while unresolved).
 *
 * <p>Open it and read {@link #report()} as often as needed (a daemon can keep one open), or use
 * {@link #discover} to listen for a fixed time. Closing takes about two seconds: JmDNS says goodbye for its own
 * host record.
 */
public final class FleetBrowser implements AutoCloseable {

    static final String HOST_NAME = "homefleet-browser";
    private static final Duration FIRST_ASK = Duration.ofSeconds(1);
    private static final Duration MAX_ASK = Duration.ofSeconds(16);
    private static final Logger log = LoggerFactory.getLogger(FleetBrowser.class);

    private final InetAddress address;
    private final FleetConfig fleet;
    private final JmDNS jmdns;
    private final MdnsNames names;
    private final ScheduledExecutorService asker;
    private final Map<String, ServiceInfo> services = new ConcurrentHashMap<>();
    private final long openedAt = System.nanoTime();

    private FleetBrowser(InetAddress address, FleetConfig fleet, JmDNS jmdns) {
        this.address = address;
        this.fleet = fleet;
        this.jmdns = jmdns;
        this.names = new MdnsNames(jmdns);
        this.asker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "mdns-names");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts browsing on {@code address} (bound explicitly; nothing is sent on other interfaces). */
    public static FleetBrowser open(InetAddress address, FleetConfig fleet) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(fleet, "fleet");
        JmDNS jmdns = JmDNS.create(address, HOST_NAME);
        FleetBrowser browser = new FleetBrowser(address, fleet, jmdns);
        try {
            jmdns.addServiceListener(AgentAdvertiser.SERVICE_TYPE, browser.new Listener());
            browser.askNames(Duration.ZERO);
            return browser;
        } catch (RuntimeException e) {
            browser.close();
            throw e;
        }
    }

    /** Listens for {@code timeout} (the whole of it: agents fleet.yaml does not know may answer late). */
    public static DiscoveryReport discover(InetAddress address, FleetConfig fleet, Duration timeout)
            throws IOException {
        try (FleetBrowser browser = open(address, fleet)) {
            try {
                Thread.sleep(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return browser.report();
            }
            DiscoveryReport report = browser.report();
            // Say "5s" as asked, not the few extra milliseconds JmDNS took to start.
            return new DiscoveryReport(report.address(), timeout, report.agents(), report.silent(), report.names());
        }
    }

    /** What has answered so far. */
    public DiscoveryReport report() {
        List<MdnsName> resolved = new ArrayList<>();
        for (MachineSpec machine : fleet.machines().values()) {
            String name = machine.addresses().mdns();
            if (name != null) {
                resolved.add(new MdnsName(machine.name(), name,
                        names.address(name).map(InetAddress::getHostAddress).orElse(null)));
            }
        }
        Duration listened = Duration.ofMillis((System.nanoTime() - openedAt) / 1_000_000);
        return compare(fleet, address.getHostAddress(), listened, services.values(), resolved);
    }

    @Override
    public void close() throws IOException {
        asker.shutdownNow();
        jmdns.close();
    }

    /** The comparison itself, apart from the network: what answered against what fleet.yaml says. */
    static DiscoveryReport compare(FleetConfig fleet, String address, Duration listened,
            Collection<ServiceInfo> answered, List<MdnsName> names) {
        List<FoundAgent> agents = answered.stream()
                .map(info -> found(fleet, info))
                .sorted(Comparator.comparing((FoundAgent a) -> !a.known()).thenComparing(FoundAgent::machine)
                        .thenComparing(a -> Objects.toString(a.host(), "")))
                .toList();
        List<SilentMachine> silent = fleet.machines().values().stream()
                .filter(m -> m.agent() != null)
                .filter(m -> agents.stream().noneMatch(a -> a.known() && a.machine().equals(m.name())))
                .map(m -> new SilentMachine(m.name(), m.agent().port()))
                .toList();
        return new DiscoveryReport(address, listened, agents, silent, names);
    }

    private static FoundAgent found(FleetConfig fleet, ServiceInfo info) {
        String machine = Optional.ofNullable(info.getPropertyString(AgentAdvertiser.TXT_MACHINE))
                .filter(m -> !m.isBlank()).orElse(info.getName());
        int port = info.getPort() > 0 ? info.getPort() : parsePort(info.getPropertyString(AgentAdvertiser.TXT_PORT));
        List<InetAddress> addresses = List.of(info.getInetAddresses());
        String host = addresses.stream().filter(a -> a instanceof Inet4Address).findFirst()
                .or(() -> addresses.stream().findFirst()).map(InetAddress::getHostAddress).orElse(null);
        MachineSpec spec = fleet.machines().get(machine);
        String note;
        if (spec == null) {
            note = "not in fleet.yaml" + Suggest.closest(machine, fleet.machines().keySet())
                    .map(c -> "; did you mean '" + c + "'?").orElse("");
        } else if (spec.agent() == null) {
            note = "fleet.yaml declares no agent on this machine";
        } else if (spec.agent().port() != port) {
            note = "fleet.yaml says port " + spec.agent().port();
        } else {
            note = null;
        }
        return new FoundAgent(machine, host, port, info.getPropertyString(AgentAdvertiser.TXT_VERSION), spec != null,
                note);
    }

    private static int parsePort(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void askNames(Duration delay) {
        if (asker.isShutdown()) {
            return;
        }
        asker.schedule(() -> {
            List<String> unresolved = fleet.machines().values().stream()
                    .map(m -> m.addresses().mdns())
                    .filter(Objects::nonNull)
                    .filter(name -> names.address(name).isEmpty())
                    .toList();
            if (!unresolved.isEmpty()) {
                try {
                    names.ask(unresolved);
                } catch (IOException e) {
                    log.warn("asking mDNS for {} failed: {}", unresolved, e.toString());
                }
            }
            Duration next = delay.isZero() ? FIRST_ASK : delay.multipliedBy(2);
            askNames(next.compareTo(MAX_ASK) > 0 ? MAX_ASK : next);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String key(ServiceInfo info) {
        return info.getQualifiedName().toLowerCase(Locale.ROOT);
    }

    private final class Listener implements ServiceListener {
        @Override
        public void serviceAdded(ServiceEvent event) {
            event.getDNS().requestServiceInfo(event.getType(), event.getName());
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            services.remove(key(event.getInfo()));
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            ServiceInfo info = event.getInfo();
            // JmDNS reports a service several times as its records arrive; keep the one with the TXT record.
            services.merge(key(info), info, (old, fresh) -> hasTxt(fresh) || !hasTxt(old) ? fresh : old);
        }

        private static boolean hasTxt(ServiceInfo info) {
            return info.getPropertyString(AgentAdvertiser.TXT_MACHINE) != null;
        }
    }
}
