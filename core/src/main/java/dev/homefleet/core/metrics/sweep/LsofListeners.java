package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lsof -nP -iTCP -sTCP:LISTEN} on macOS. Columns: COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME, then
 * the state; NAME is {@code *:18789}, {@code 127.0.0.1:9009} or {@code [::1]:11434}. lsof writes a blank in a
 * command name as {@code \x20}, so the columns split on blanks.
 */
final class LsofListeners {

    /** +c 0: the whole command name, not its first nine characters. */
    static final String COMMAND = "lsof +c 0 -nP -iTCP -sTCP:LISTEN";

    private static final String EXPECTED =
            "'<command> <pid> <user> <fd> IPv4|IPv6 <device> <size/off> TCP <address>:<port> (LISTEN)'";
    private static final Pattern ROW = Pattern.compile(
            "(\\S+)\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+(IPv4|IPv6)\\s+\\S+\\s+\\S+\\s+TCP\\s+(\\S+):(\\d+)\\s+\\(LISTEN\\)");
    private static final Pattern ESCAPE = Pattern.compile("\\\\x([0-9a-fA-F]{2})");

    private LsofListeners() {}

    static ListeningSocket socket(Section section, Line line) {
        Matcher m = section.match(line, ROW, EXPECTED);
        String host = m.group(4);
        String address = host.equals("*") ? (m.group(3).equals("IPv4") ? "0.0.0.0" : "::") : Addresses.bare(host);
        return new ListeningSocket(
                Math.toIntExact(section.parseLong(line, m.group(5), "a port")),
                address,
                Math.toIntExact(section.parseLong(line, m.group(2), "a pid")),
                unescape(m.group(1)));
    }

    private static String unescape(String command) {
        return ESCAPE.matcher(command).replaceAll(r -> String.valueOf((char) Integer.parseInt(r.group(1), 16)));
    }
}
