package dev.homefleet.agent.system;

import java.util.Arrays;

/** Addresses as people and fleet.yaml write them: 0.0.0.0, 127.0.0.1, ::, ::1, fe80::1 (RFC 5952 for IPv6). */
final class IpText {

    private IpText() {}

    /** @param address 4 or 16 bytes in network order; an empty or unknown one is the IPv4 wildcard */
    static String of(byte[] address) {
        if (address == null || address.length != 16) {
            return address != null && address.length == 4 ? ipv4(address, 0) : "0.0.0.0";
        }
        if (isV4Mapped(address)) {
            return ipv4(address, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static String ipv4(byte[] a, int from) {
        return String.join(".", Arrays.stream(new int[] {0, 1, 2, 3})
                .mapToObj(i -> Integer.toString(a[from + i] & 0xff)).toList());
    }
}
