package dev.homefleet.controller.init;

import dev.homefleet.core.config.MachineSpec.Os;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What this machine is called and where it is on the networks, for its entry in the starter fleet.yaml.
 *
 * @param hostname  the host name as the OS gives it
 * @param lan       a private IPv4 address of a physical-looking interface, or null
 * @param tailscale an address in Tailscale's 100.64.0.0/10, on any interface, or null
 * @param mdns      the {@code .local} name, or null when there is none to tell
 */
public record HostFacts(String hostname, Os os, String lan, String tailscale, String mdns) {

    /** Interfaces whose private addresses are not the machine's LAN address: containers, VMs, VPN tunnels. */
    private static final List<String> VIRTUAL_PREFIXES = List.of("docker", "br-", "veth", "virbr", "vmnet", "vboxnet",
            "utun", "tailscale", "tun", "tap", "bridge", "lxc", "cni", "flannel", "podman");

    /** The machine's name in fleet.yaml: the host name's first label, sanitised. */
    public String machineName() {
        return Names.machine(hostname, "this-machine");
    }

    public static HostFacts detect() {
        Os os = os(System.getProperty("os.name", ""));
        String hostname;
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            hostname = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("");
        }
        List<Nic> nics = nics();
        return new HostFacts(hostname, os, lan(nics), tailscale(nics), mdns(hostname, os));
    }

    static Os os(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return Os.MACOS;
        }
        return name.startsWith("windows") ? Os.WINDOWS : Os.LINUX;
    }

    /** An interface's name and its IPv4 addresses, in the order the OS lists interfaces. */
    record Nic(String name, boolean up, boolean loopback, List<InetAddress> addresses) {}

    static String lan(List<Nic> nics) {
        return nics.stream()
                .filter(n -> n.up() && !n.loopback() && VIRTUAL_PREFIXES.stream().noneMatch(n.name()::startsWith))
                .flatMap(n -> n.addresses().stream())
                .filter(a -> a.isSiteLocalAddress() && !isTailscale(a))
                .map(InetAddress::getHostAddress).findFirst().orElse(null);
    }

    static String tailscale(List<Nic> nics) {
        return nics.stream().filter(Nic::up).flatMap(n -> n.addresses().stream()).filter(HostFacts::isTailscale)
                .map(InetAddress::getHostAddress).findFirst().orElse(null);
    }

    /** Tailscale gives its machines addresses in the carrier-grade NAT block 100.64.0.0/10. */
    static boolean isTailscale(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** macOS answers mDNS for its host name under .local; elsewhere only a name that already says .local. */
    static String mdns(String hostname, Os os) {
        String host = hostname.toLowerCase(Locale.ROOT).strip();
        if (host.isEmpty() || host.equals("localhost")) {
            return null;
        }
        if (host.endsWith(".local")) {
            return host;
        }
        return os == Os.MACOS && !host.contains(".") ? host + ".local" : null;
    }

    private static List<Nic> nics() {
        List<Nic> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                List<InetAddress> v4 = nic.inetAddresses().filter(a -> a instanceof Inet4Address).toList();
                found.add(new Nic(nic.getName(), nic.isUp(), nic.isLoopback(), v4));
            }
        } catch (SocketException e) {
            return List.of();
        }
        return found;
    }
}
