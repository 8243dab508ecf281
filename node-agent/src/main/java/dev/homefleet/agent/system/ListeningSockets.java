package dev.homefleet.agent.system;

import dev.homefleet.core.metrics.ListeningSocket;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The TCP sockets listening on this machine, with their owning processes, from OSHI. The owner of another user's
 * socket may be hidden by the OS: its pid is then -1 and its name empty.
 */
public final class ListeningSockets {

    private final OperatingSystem os;

    public ListeningSockets(OperatingSystem os) {
        this.os = os;
    }

    public List<ListeningSocket> read() {
        Map<Integer, String> names = new HashMap<>();
        return os.getInternetProtocolStats().getConnections().stream()
                .filter(c -> c.getState() == TcpState.LISTEN && c.getType().startsWith("tcp"))
                .map(c -> socket(c, names))
                .distinct()
                .sorted(Comparator.comparingInt(ListeningSocket::port).thenComparing(ListeningSocket::address)
                        .thenComparingInt(ListeningSocket::pid))
                .toList();
    }

    private ListeningSocket socket(IPConnection connection, Map<Integer, String> names) {
        int pid = connection.getowningProcessId() < 0 ? -1 : connection.getowningProcessId();
        String name = names.computeIfAbsent(pid, this::processName);
        return new ListeningSocket(connection.getLocalPort(), IpText.of(connection.getLocalAddress()), pid, name);
    }

    private String processName(int pid) {
        if (pid < 0) {
            return "";
        }
        OSProcess process = os.getProcess(pid);
        return process == null || process.getName() == null ? "" : process.getName();
    }
}
