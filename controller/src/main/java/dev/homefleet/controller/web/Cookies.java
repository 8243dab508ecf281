package dev.homefleet.controller.web;

import io.javalin.http.Context;
import java.time.Duration;

/**
 * The session cookie: {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page sends it),
 * {@code Path=/}, and {@code Secure} when the browser's request was HTTPS, to this server or to a proxy on this machine
 * such as {@code tailscale serve} (a plain-HTTP Tailscale address would never get a Secure cookie back).
 */
final class Cookies {
    static final String SESSION = "homefleet_session";

    private Cookies() {}

    static void set(Context ctx, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", SESSION + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (Forwarded.https(ctx) ? "; Secure" : ""));
    }

    static void clear(Context ctx) {
        set(ctx, "", Duration.ZERO);
    }
}
