package dev.homefleet.agent.api;

import dev.homefleet.core.config.Addresses;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A service's status from what listens on its port: up when its port listens on an address that serves the bind
 * fleet.yaml declares, down otherwise. Services with no port to watch are unknown until service managers exist.
 */
public final class ServicePorts {

    private ServicePorts() {}

    public static ServiceStatus status(ServiceSpec service, Addresses addresses, List<ListeningSocket> listening) {
        String manager = service.manager().type().name().toLowerCase(Locale.ROOT);
        String managerLater = "its " + manager + " status comes with the service-manager support";
        Integer port = service.port();
        Optional<String> resolved = Binds.resolve(service.bind(), addresses);
        String bind = resolved.orElse(service.bind());
        if (port == null) {
            return unknown(service, null, "it has no port to watch; " + managerLater);
        }
        if (resolved.isEmpty()) {
            return unknown(service, bind, "its bind '" + service.bind() + "' names an address this machine does not "
                    + "have; " + managerLater);
        }
        if (bind.equals(Binds.NONE)) {
            return unknown(service, bind, "port " + port + " is one it uses, not one it listens on (bind: none); "
                    + managerLater);
        }
        if (service.protocol() == ServiceSpec.Protocol.UDP) {
            return unknown(service, bind, "port " + port + " is UDP and only TCP listeners are watched; "
                    + managerLater);
        }
        List<ListeningSocket> onPort = listening.stream()
                .filter(s -> s.port() == port)
                .sorted(Comparator.comparing((ListeningSocket s) -> s.pid() < 0))
                .toList();
        Optional<ListeningSocket> serving = onPort.stream().filter(s -> serves(s.address(), bind)).findFirst();
        if (serving.isPresent()) {
            return status(service, bind, ServiceStatus.State.UP, serving.get(), null);
        }
        if (onPort.isEmpty()) {
            return new ServiceStatus(service.name(), service.manager().type(), port, bind, ServiceStatus.State.DOWN,
                    null, null, "nothing is listening on port " + port, null, null);
        }
        String where = String.join(", ", onPort.stream().map(ListeningSocket::address).distinct().toList());
        return status(service, bind, ServiceStatus.State.DOWN, onPort.get(0),
                "port " + port + " is listening on " + where + ", not on " + bind + " as fleet.yaml says");
    }

    /**
     * Whether a socket bound to {@code actual} accepts connections meant for {@code declared}: a wildcard socket
     * serves every address; a wildcard declaration needs a wildcard socket.
     */
    public static boolean serves(String actual, String declared) {
        if (Binds.isWildcard(actual)) {
            return true;
        }
        if (Binds.isWildcard(declared)) {
            return false;
        }
        return sameAddress(actual, declared);
    }

    private static boolean sameAddress(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        if (!Binds.isAddressLiteral(a) || !Binds.isAddressLiteral(b)) {
            return false;
        }
        try {
            // Literals only, so no name is looked up; this equates ::ffff:10.0.0.2 with 10.0.0.2 and 0:0::1 with ::1.
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ServiceStatus status(ServiceSpec service, String bind, ServiceStatus.State state,
            ListeningSocket socket, String reason) {
        Integer pid = socket.pid() < 0 ? null : socket.pid();
        String process = socket.process() == null || socket.process().isEmpty() ? null : socket.process();
        return new ServiceStatus(service.name(), service.manager().type(), service.port(), bind, state, pid, process,
                reason, null, null);
    }

    private static ServiceStatus unknown(ServiceSpec service, String bind, String reason) {
        return new ServiceStatus(service.name(), service.manager().type(), service.port(), bind,
                ServiceStatus.State.UNKNOWN, null, null, reason, null, null);
    }
}
