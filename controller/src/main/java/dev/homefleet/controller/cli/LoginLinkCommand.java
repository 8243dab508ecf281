package dev.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.control.ControlException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet login-link}: a one-time link that signs a phone in to the dashboard, asked of the running controller
 * through its socket, which only this user can open. The URL goes alone to standard output (for a QR code or the
 * clipboard); what it is good for goes to standard error.
 */
@Command(name = "login-link", mixinStandardHelpOptions = true,
        description = {"Print a one-time link that signs a browser in to the dashboard (valid 10 minutes, usable "
                + "once), so the phone needs no token typed in.",
                "Exits 1 when the controller does not answer."})
final class LoginLinkCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ControllerSocketOptions controllerOptions = new ControllerSocketOptions();

    @Option(names = "--viewer", description = "Sign in as a viewer (reads only), not an admin.")
    boolean viewer;

    @Option(names = "--url-base", paramLabel = "URL",
            description = "Where the browser reaches the controller, e.g. https://macbook.tailnet.ts.net when a "
                    + "proxy serves it (default: the address the controller listens on).")
    String urlBase;

    LoginLinkCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        String base = urlBase == null ? null : base(urlBase);
        ControllerSocket controller = controllerOptions.locate(context);
        JsonNode link;
        try {
            link = controller.request("login.link", Map.of("role", viewer ? "viewer" : "admin"),
                    Duration.ofSeconds(10));
        } catch (ControlException e) {
            spec.commandLine().getErr().println("fleet: " + controller.explain(e));
            return ExitCodes.FINDING;
        }
        String url = base != null ? base + link.path("path").asText() : link.path("url").asText();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.println(url);
        out.flush();
        err.println("Signs in as " + link.path("role").asText() + ", once, until " + link.path("expires_at").asText()
                + " (10 minutes). Open it on the phone and tap Sign in.");
        if (base == null && loopback(url)) {
            err.println("The controller listens on loopback only, so the link opens only on this machine; pass "
                    + "--url-base with the address a proxy serves it at.");
        }
        return ExitCodes.OK;
    }

    /** {@code --url-base} checked: http(s), a host, nothing after the path; without a trailing slash. */
    private static String base(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new FleetCommand.UsageException("--url-base '" + text + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new FleetCommand.UsageException("--url-base must be http://HOST[:PORT] or https://HOST[:PORT], "
                    + "not '" + text + "'");
        }
        String out = uri.toString();
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static boolean loopback(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null && (Binds.isLoopback(host) || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
