package dev.homefleet.controller.discovery;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Which local address to browse on when none is given. */
public final class LocalAddresses {

    private LocalAddresses() {}

    /**
     * The LAN address fleet.yaml gives this machine, else the first private IPv4 address of an interface that is
     * up and does multicast, else any such IPv4 address, else 127.0.0.1 (this machine only).
     */
    public static InetAddress defaultFor(FleetConfig fleet) throws SocketException {
        return choose(fleet, multicastIpv4());
    }

    /** Whether {@code address} belongs to an interface of this machine. */
    public static boolean isLocal(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    static InetAddress choose(FleetConfig fleet, List<InetAddress> candidates) {
        List<String> lanOfFleet = fleet.machines().values().stream()
                .map(MachineSpec::addresses).map(a -> a.lan()).filter(Objects::nonNull).toList();
        Optional<InetAddress> fleetLan = candidates.stream()
                .filter(a -> lanOfFleet.contains(a.getHostAddress())).findFirst();
        return fleetLan
                .or(() -> candidates.stream().filter(InetAddress::isSiteLocalAddress).findFirst())
                .or(() -> candidates.stream().findFirst())
                .orElseGet(LocalAddresses::loopback);
    }

    private static List<InetAddress> multicastIpv4() throws SocketException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback() || nic.isPointToPoint() || !nic.supportsMulticast()) {
                continue;
            }
            nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(found::add);
        }
        return found;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
