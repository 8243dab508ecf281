package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ss -ltnpH} on Linux: State Recv-Q Send-Q Local-Address:Port Peer-Address:Port Process. The local address
 * is {@code 0.0.0.0}, {@code 127.0.0.53%lo}, {@code [::1]}, {@code [::]} (an IPv6-only socket) or {@code *} (an IPv6
 * socket that takes IPv4 too, reported as {@code ::}). The process column is {@code users:(("sshd",pid=1001,fd=3))}
 * when ss may see the process, else empty.
 */
final class SsListeners {

    /** -H is iproute2 4.12 (2017) or later; an older ss prints the header, which the parser skips. */
    static final String COMMAND = "ss -ltnpH 2>/dev/null || ss -ltnp";

    private static final String EXPECTED =
            "'<state> <recv-q> <send-q> <address>:<port> <peer address>:<port> [users:((\"<name>\",pid=<n>,fd=<n>))]'";
    private static final Pattern ROW = Pattern.compile("\\S+\\s+\\d+\\s+\\d+\\s+(\\S+):(\\d+)\\s+\\S+(?:\\s+(.*))?");
    private static final Pattern USER = Pattern.compile("users:\\(\\(\"(.*?)\",pid=(\\d+),fd=\\d+\\)");

    private SsListeners() {}

    static ListeningSocket socket(Section section, Line line) {
        Matcher m = section.match(line, ROW, EXPECTED);
        String host = m.group(1);
        int port = Math.toIntExact(section.parseLong(line, m.group(2), "a port"));
        String address = host.equals("*") ? "::" : Addresses.bare(host);
        String process = m.group(3) == null ? "" : m.group(3);
        if (process.isEmpty()) {
            return new ListeningSocket(port, address, -1, "");
        }
        Matcher user = USER.matcher(process);
        if (!user.find()) {
            throw section.malformed(line, EXPECTED);
        }
        return new ListeningSocket(port, address,
                Math.toIntExact(section.parseLong(line, user.group(2), "a pid")), user.group(1));
    }
}
