package dev.homefleet.core.metrics.sweep;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Socket addresses as the tools print them, made plain. */
final class Addresses {

    private static final Pattern IPV4_MAPPED = Pattern.compile("(?i)::ffff:(\\d+\\.\\d+\\.\\d+\\.\\d+)");

    private Addresses() {}

    /**
     * {@code [::1]} becomes {@code ::1}, {@code 127.0.0.53%lo} becomes {@code 127.0.0.53}, and an IPv4-mapped
     * {@code ::ffff:127.0.0.1} (a dual-stack socket, as Java makes, bound to an IPv4 address) becomes
     * {@code 127.0.0.1}, so that a loopback bind reads as one.
     */
    static String bare(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int scope = bare.indexOf('%');
        if (scope >= 0) {
            bare = bare.substring(0, scope);
        }
        Matcher mapped = IPV4_MAPPED.matcher(bare);
        return mapped.matches() ? mapped.group(1) : bare;
    }
}
