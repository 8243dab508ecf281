package dev.homefleet.controller.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SOCKS5 proxy a machine is reached through, from fleet.yaml's {@code proxy: socks5://HOST:PORT}.
 *
 * @param remoteDns true for {@code socks5h://}: the proxy always resolves the target's name. With {@code socks5://}
 *                  the name is resolved here when it can be, else handed to the proxy (Tailscale's MagicDNS names
 *                  resolve only on the proxy's side).
 */
public record SocksProxy(String host, int port, boolean remoteDns) {

    private static final Pattern URI = Pattern.compile("socks5(h?)://([^:/\\[\\]]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})/?");

    public SocksProxy {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SOCKS5 proxy port " + port + " is not a port; use 1 to 65535");
        }
    }

    public static SocksProxy parse(String uri) {
        Matcher m = URI.matcher(uri.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + uri + "' is not a SOCKS5 proxy; write socks5://HOST:PORT");
        }
        String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
        return new SocksProxy(host, Integer.parseInt(m.group(3)), !m.group(1).isEmpty());
    }

    @Override
    public String toString() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return (remoteDns ? "socks5h://" : "socks5://") + shown + ":" + port;
    }

    /** How messages name it: {@code SOCKS5 proxy localhost:1055}. */
    String label() {
        return "SOCKS5 proxy " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
