package dev.homefleet.controller.web;

import dev.homefleet.core.config.Binds;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * What a reverse proxy on this machine says of a request it passes on: {@code tailscale serve} (HTTPS on the
 * tailnet name, to the controller on 127.0.0.1), Caddy or nginx. Only a proxy connecting from a loopback address is
 * believed; anyone else's {@code X-Forwarded-*} headers are ignored. The Host header is never taken from them: the
 * proxy passes the browser's, and the checks against DNS rebinding and other sites read it as ever.
 */
final class Forwarded {
    private static final int MAX_ADDRESS = 64;

    private Forwarded() {}

    /**
     * The address a request comes from, for the limit on failed sign-ins: the connection's, or through a proxy on
     * this machine the last address of {@code X-Forwarded-For} (the one that proxy added), so that every phone
     * behind {@code tailscale serve} does not share one count.
     */
    static String clientAddress(Context ctx) {
        String remote = ctx.req().getRemoteAddr();
        if (!fromProxyHere(remote)) {
            return remote;
        }
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null) {
            return remote;
        }
        String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).strip();
        if (last.startsWith("[") && last.endsWith("]")) {
            last = last.substring(1, last.length() - 1);
        }
        return !last.isEmpty() && last.length() <= MAX_ADDRESS && Binds.isAddressLiteral(last) ? last : remote;
    }

    /**
     * The browser's request was HTTPS: to this server, or to a proxy on this machine that says so in
     * {@code X-Forwarded-Proto} ({@code tailscale serve} does when it ends TLS). The session cookie is then Secure.
     */
    static boolean https(Context ctx) {
        if (ctx.req().isSecure()) {
            return true;
        }
        String proto = ctx.header("X-Forwarded-Proto");
        return proto != null && fromProxyHere(ctx.req().getRemoteAddr())
                && proto.split(",")[0].strip().toLowerCase(Locale.ROOT).equals("https");
    }

    private static boolean fromProxyHere(String remote) {
        return ControllerWeb.isLoopback(remote);
    }
}
