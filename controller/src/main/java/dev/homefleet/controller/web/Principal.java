package dev.homefleet.controller.web;

import java.util.Locale;

/**
 * Who a request is from, decided once before its handler: the role it has, how it proved it, and the CSRF token its
 * writes must carry (none for a bearer token, which a browser never sends by itself).
 *
 * @param sessionId the session cookie's value when {@code via} is {@link Via#SESSION}
 */
public record Principal(Tokens.Role role, Via via, String csrf, String sessionId) {

    /** How a request proved who it is. */
    public enum Via {
        /** From this machine (a loopback address and a loopback Host), with no token. */
        LOOPBACK,
        /** The {@code homefleet_session} cookie of a sign-in. */
        SESSION,
        /** {@code Authorization: Bearer TOKEN}. */
        BEARER;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean admin() {
        return role == Tokens.Role.ADMIN;
    }
}
