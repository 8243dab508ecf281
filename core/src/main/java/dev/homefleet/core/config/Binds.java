package dev.homefleet.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bind addresses as written in fleet.yaml, resolved against a machine's addresses: {@code all} (0.0.0.0),
 * {@code loopback} or {@code localhost} (127.0.0.1), {@code lan}, {@code tailscale}, {@code none}, or an address.
 */
public final class Binds {

    public static final String ALL = "0.0.0.0";
    public static final String LOOPBACK = "127.0.0.1";
    public static final String NONE = "none";
    public static final List<String> WORDS = List.of("all", "loopback", "localhost", "lan", "tailscale", "none");

    private Binds() {}

    /** @return the address it stands for, or empty when it names an address the machine does not have */
    public static Optional<String> resolve(String bind, Addresses addresses) {
        String word = bind.strip().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "all", "*", "0.0.0.0" -> Optional.of(ALL);
            case "::", "[::]" -> Optional.of("::");
            case "loopback", "localhost" -> Optional.of(LOOPBACK);
            case "lan" -> Optional.ofNullable(addresses.lan());
            case "tailscale" -> Optional.ofNullable(addresses.tailscale());
            case "none" -> Optional.of(NONE);
            default -> Optional.of(bind.strip());
        };
    }

    public static boolean isWildcard(String address) {
        return address.equals(ALL) || address.equals("::");
    }

    public static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("localhost");
    }

    /** Two listeners on one machine, port and protocol collide when their addresses overlap. */
    public static boolean overlap(String a, String b) {
        if (a.equals(NONE) || b.equals(NONE)) {
            return false;
        }
        return isWildcard(a) || isWildcard(b) || a.equalsIgnoreCase(b);
    }

    /** Loose check for an IPv4 or IPv6 literal (no DNS is asked). */
    public static boolean isAddressLiteral(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        return text.contains(":") && text.matches("[0-9a-fA-F:.]+");
    }
}
