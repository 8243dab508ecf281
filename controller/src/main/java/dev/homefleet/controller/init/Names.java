package dev.homefleet.controller.init;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Names for fleet.yaml (lowercase letters, digits, {@code -} and {@code _}, starting with a letter or digit) made
 * from what the machine calls things: a host name, a launchd label, a pm2 app, a program.
 */
final class Names {

    /** Reverse-DNS prefixes that say nothing about the job: {@code com.clawdbot.gateway} is clawdbot-gateway. */
    private static final List<String> LABEL_PREFIXES = List.of("homebrew.mxcl.", "com.", "org.", "net.", "io.",
            "dev.", "me.", "local.");

    private Names() {}

    /** {@code Felipes-MacBook-Pro.local} is felipes-macbook-pro; a name with nothing usable is {@code fallback}. */
    static String machine(String hostname, String fallback) {
        String host = hostname == null ? "" : hostname.strip();
        int dot = host.indexOf('.');
        return sanitize(dot > 0 ? host.substring(0, dot) : host, fallback);
    }

    static String fromLabel(String label) {
        String lower = label.toLowerCase(Locale.ROOT);
        for (String prefix : LABEL_PREFIXES) {
            if (lower.startsWith(prefix) && lower.length() > prefix.length()) {
                lower = lower.substring(prefix.length());
                break;
            }
        }
        return sanitize(lower, "launchd-job");
    }

    /** Lowercase; every run of other characters becomes one {@code -}; leading and trailing ones go. */
    static String sanitize(String text, String fallback) {
        String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "-").replaceAll("^[-_]+|[-_]+$", "");
        return name.isEmpty() ? fallback : name;
    }

    /** {@code base}, or {@code base-2}, {@code base-3} ... whichever {@code taken} does not hold yet. */
    static String unique(String base, Collection<String> taken) {
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }
}
