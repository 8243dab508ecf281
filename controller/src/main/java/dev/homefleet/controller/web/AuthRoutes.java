package dev.homefleet.controller.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.web.ControllerWeb.Refused;
import dev.homefleet.controller.web.Gate.Redirect;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out: the login form's post ({@code POST /login}, field {@code token}, optional {@code next}; the
 * page itself, {@code GET /login}, is the dashboard's), one-time login links, logout, and {@code GET /api/v1/session},
 * which tells a page who it is signed in as and the CSRF token its writes carry.
 *
 * <p>A login link's GET only shows a button; the POST it sends signs in. A chat app's link preview fetches the link
 * and would otherwise use it up, and the sign-in then happens on this server's own page, where the browser keeps and
 * sends the SameSite=Strict cookie on the way to the dashboard.
 */
final class AuthRoutes {
    static final String LOGIN = "/login";
    static final String LOGOUT = "/logout";
    static final String LINK = LoginLinks.PATH + "{code}";
    static final String SESSION = "/api/v1/session";
    static final int MAX_NEXT = 512;

    private final WebAuth auth;
    private final Gate gate;
    private final ObjectMapper json = new ObjectMapper();

    AuthRoutes(WebAuth auth, Gate gate) {
        this.auth = auth;
        this.gate = gate;
    }

    void register(JavalinConfig config) {
        config.routes.post(LOGIN, this::login);
        config.routes.post(LOGOUT, this::logout);
        config.routes.get(LINK, this::linkPage);
        config.routes.post(LINK, this::useLink);
        config.routes.get(SESSION, this::session);
    }

    /**
     * A form post answers with redirects (to {@code next} with the cookie, or back to the login page saying why);
     * a JSON post ({@code {"token":"..."}}) answers the session as JSON, 401 or 429.
     */
    private void login(Context ctx) {
        boolean form = isForm(ctx);
        String address = Forwarded.clientAddress(ctx);
        String next = form ? safeNext(ctx.formParam("next")) : "/";
        String back = "/".equals(next) ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        try {
            gate.refuseWhileLimited(ctx, address);
        } catch (Refused e) {
            if (form) {
                throw new Redirect(LOGIN + "?error=rate" + back);
            }
            throw e;
        }
        String token = form ? ctx.formParam("token") : tokenOf(ctx);
        Optional<Tokens.Role> role = auth.tokens().roleOfToken(token == null ? null : token.strip());
        if (role.isEmpty()) {
            auth.limiter().failed(address);
            if (form) {
                throw new Redirect(LOGIN + "?error=invalid" + back);
            }
            throw new Refused(HttpStatus.UNAUTHORIZED, "unauthorized", "that is neither the controller's viewer "
                    + "token nor its admin token");
        }
        if (role.get() == Tokens.Role.ADMIN) {
            // Only the admin token clears the failures: a viewer's sign-in must not reset the count of guesses at it.
            auth.limiter().succeeded(address);
        }
        Sessions.Session session = signIn(ctx, role.get());
        if (form) {
            throw new Redirect(next);
        }
        noStore(ctx);
        ctx.json(answer(session.role(), Principal.Via.SESSION, session.csrf()));
    }

    private void logout(Context ctx) {
        auth.signOut(ctx.cookie(Cookies.SESSION));
        Cookies.clear(ctx);
        throw new Redirect(LOGIN);
    }

    private void linkPage(Context ctx) {
        noStore(ctx);
        ctx.header("Referrer-Policy", "no-referrer");
        String code = ctx.pathParam("code");
        Optional<Tokens.Role> role = auth.links().peek(code);
        if (role.isEmpty()) {
            invalidLink(ctx);
            return;
        }
        ctx.contentType("text/html; charset=utf-8").result(Pages.page("Sign in", """
                <p>This link signs this device in to the homefleet dashboard as <strong>%s</strong>. It works once.</p>
                <form method="post" action="%s">
                <button type="submit">Sign in</button>
                </form>""".formatted(role.get().wire(), Pages.escape(LoginLinks.PATH + code))));
    }

    private void useLink(Context ctx) {
        String address = Forwarded.clientAddress(ctx);
        try {
            gate.refuseWhileLimited(ctx, address);
        } catch (Refused e) {
            throw new Redirect(LOGIN + "?error=rate");
        }
        Optional<Tokens.Role> role = auth.links().use(ctx.pathParam("code"));
        if (role.isEmpty()) {
            auth.limiter().failed(address);
            throw new Redirect(LOGIN + "?error=link");
        }
        signIn(ctx, role.get());
        throw new Redirect("/");
    }

    private void invalidLink(Context ctx) {
        String address = Forwarded.clientAddress(ctx);
        try {
            gate.refuseWhileLimited(ctx, address);
        } catch (Refused e) {
            throw new Redirect(LOGIN + "?error=rate");
        }
        auth.limiter().failed(address);
        ctx.status(HttpStatus.GONE).contentType("text/html; charset=utf-8").result(Pages.page("Link used up",
                """
                <p>This sign-in link has expired or was already used. Make a new one on the controller's machine with
                <code>fleet login-link</code>, or <a href="/login">sign in with a token</a>.</p>"""));
    }

    private void session(Context ctx) {
        Principal who = Gate.principal(ctx);
        noStore(ctx);
        ctx.json(answer(who.role(), who.via(), who.csrf()));
    }

    private Sessions.Session signIn(Context ctx, Tokens.Role role) {
        Sessions.Session session = auth.sessions().create(role, auth.tokens().grant(role));
        Cookies.set(ctx, session.id(), auth.sessions().idle());
        return session;
    }

    private static Map<String, Object> answer(Tokens.Role role, Principal.Via via, String csrf) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("role", role.wire());
        answer.put("via", via.wire());
        answer.put("csrf", csrf);
        return answer;
    }

    private String tokenOf(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("token").isTextual()) {
            throw new Refused(HttpStatus.BAD_REQUEST, "bad_request", "send the form field token, or the JSON "
                    + "{\"token\":\"TOKEN\"}");
        }
        return body.path("token").asText();
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        type = type.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    /** A path on this server to go to after signing in; anything else (another site, a scheme) is {@code /}. */
    static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX_NEXT || !next.startsWith("/")
                || next.startsWith("//") || next.startsWith("/\\")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "/";
            }
        }
        return next;
    }

    private static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
    }
}
