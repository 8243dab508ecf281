package dev.homefleet.controller.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard: plain HTML, CSS and JavaScript files in the jar under {@code /dashboard/}, served as they are (no
 * build step, no CDN). {@code /} is index.html, {@code GET /login} is login.html; the rest keep their names. Every
 * file is read once at start and answered from memory with a strong ETag, so a phone revalidates with a 304 instead
 * of downloading the page again; nothing is cached without asking, because the names carry no version and a
 * controller upgrade must reach the phone on its next load.
 *
 * <p>The pages are static: the data comes from the API and the WebSocket, so the same bytes go to every visitor and
 * the assets need no token ({@link #isPublicAsset}).
 */
public final class DashboardRoutes {

    static final String LOGIN = "/login";
    /** The classpath folder of the files. */
    static final String ROOT = "/dashboard/";
    /** Where each file is served, and which file. Every file under {@value #ROOT} is here (a test checks). */
    static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("/", "index.html"),
            Map.entry(LOGIN, "login.html"),
            Map.entry("/login.html", "login.html"),
            Map.entry("/app.css", "app.css"),
            Map.entry("/app.js", "app.js"),
            Map.entry("/dom.js", "dom.js"),
            Map.entry("/live.js", "live.js"),
            Map.entry("/views.js", "views.js"),
            Map.entry("/login.js", "login.js"),
            Map.entry("/manifest.webmanifest", "manifest.webmanifest"),
            Map.entry("/icon.svg", "icon.svg"),
            Map.entry("/icon-180.png", "icon-180.png"),
            Map.entry("/icon-512.png", "icon-512.png"));

    /** The files anyone may fetch: all but the page itself, which shows (the API's) fleet data once loaded. */
    private static final Set<String> PUBLIC = FILES.keySet().stream().filter(p -> !p.equals("/"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * The page and its login page may not be framed (clickjacking a restart button), run scripts only from here,
     * and talk only to this controller (its API and its WebSocket).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; manifest-src 'self'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final Asset LOGIN_PAGE = Asset.load("login.html");

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private DashboardRoutes() {
        FILES.forEach((path, file) -> assets.put(path, Asset.load(file)));
    }

    /**
     * Declares the page ({@code /}) and its files, login.html included at {@code /login.html}, on a Javalin 7
     * configuration: {@code List.of(DashboardRoutes::register, ...)}. {@code GET /login} is left to the sign-in
     * routes (they may answer a signed-in browser differently); {@link #registerWithLogin} declares it too.
     */
    public static void register(JavalinConfig config) {
        new DashboardRoutes().declare(config, false);
    }

    /** {@link #register}, and {@code GET /login} answered with login.html, for a server with no sign-in routes. */
    public static void registerWithLogin(JavalinConfig config) {
        new DashboardRoutes().declare(config, true);
    }

    private void declare(JavalinConfig config, boolean login) {
        assets.forEach((path, asset) -> {
            if (!path.equals(LOGIN) || login) {
                config.routes.get(path, asset::send);
            }
        });
    }

    /**
     * Every path {@link #registerWithLogin} declares (GET): what a route registry or an OpenAPI comparison may set
     * apart as the dashboard's files rather than the API.
     */
    public static Set<String> paths() {
        return FILES.keySet();
    }

    /** login.html's bytes and headers, for a sign-in route that serves the login page itself. */
    public static void sendLoginPage(io.javalin.http.Context ctx) {
        LOGIN_PAGE.send(ctx);
    }

    /**
     * Whether {@code path} is one of the dashboard's files that need no login: the login page, the scripts, the
     * styles, the manifest and the icons. The page at {@code /} is not: without a session it goes to the login.
     */
    public static boolean isPublicAsset(String path) {
        return PUBLIC.contains(path);
    }

    /** One file, its bytes and how it is answered. */
    private record Asset(String file, byte[] bytes, String contentType, String cacheControl, String etag) {

        static Asset load(String file) {
            byte[] bytes;
            try (InputStream in = DashboardRoutes.class.getResourceAsStream(ROOT + file)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard file " + ROOT + file + " is not on the class path; "
                            + "the controller jar is incomplete, build it again");
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + ROOT + file + " from the class path", e);
            }
            return new Asset(file, bytes, contentType(file), cacheControl(file), etag(bytes));
        }

        void send(Context ctx) {
            ctx.header("Cache-Control", cacheControl);
            ctx.header("ETag", etag);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "same-origin");
            if (file.endsWith(".html")) {
                ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                ctx.header("X-Frame-Options", "DENY");
            }
            String match = ctx.header("If-None-Match");
            if (match != null && (match.equals(etag) || match.equals("W/" + etag))) {
                ctx.status(304);
                return;
            }
            ctx.result(bytes);
            if (!contentType.contains("charset")) {
                // Javalin's default (JSON, UTF-8) would otherwise put a charset on an image's type.
                ctx.res().setCharacterEncoding(null);
            }
            ctx.res().setContentType(contentType);
        }

        private static String contentType(String file) {
            String extension = file.substring(file.lastIndexOf('.') + 1);
            return switch (extension) {
                case "html" -> "text/html; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                case "js" -> "text/javascript; charset=utf-8";
                case "webmanifest" -> "application/manifest+json; charset=utf-8";
                case "svg" -> "image/svg+xml";
                case "png" -> "image/png";
                default -> throw new IllegalStateException("no content type for the dashboard file " + file);
            };
        }

        /** Icons change with a release at most, and a stale icon harms nothing; the rest is revalidated. */
        private static String cacheControl(String file) {
            return file.endsWith(".png") || file.endsWith(".svg") ? "public, max-age=86400" : "no-cache";
        }

        private static String etag(byte[] bytes) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
                return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has SHA-256", e);
            }
        }
    }
}
