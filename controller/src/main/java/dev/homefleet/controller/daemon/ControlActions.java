package dev.homefleet.controller.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.controller.web.LoginLinks;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.control.ControlException;
import dev.homefleet.core.control.ControlServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code controller.sock} answers: {@code status} (the whole {@link dev.homefleet.controller.state.FleetState}),
 * {@code jobs} (each job's line and the recent runs), {@code jobs.run} (runs one and waits for it),
 * {@code login.link} (a one-time dashboard login link; only this machine's user can open the socket, which is what
 * makes handing out a link without a token safe).
 */
final class ControlActions {
    static final Duration RUN_WITHIN = Duration.ofMinutes(10);

    private ControlActions() {}

    static ControlServer server(Path socket, ControllerDaemon daemon) {
        return new ControlServer(socket)
                .handle("status", data -> daemon.state())
                .handle("jobs", data -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("jobs", daemon.state().jobs().values());
                    answer.put("runs", daemon.store().jobRuns(null, 20));
                    return answer;
                })
                .handle("jobs.run", data -> daemon.runNow(name(data), RUN_WITHIN))
                .handle("login.link", data -> loginLink(daemon, data));
    }

    private static String name(JsonNode data) throws ControlException {
        String name = data == null ? "" : data.path("name").asText("");
        if (name.isBlank()) {
            throw new ControlException(ControlException.BAD_REQUEST, "name the job to run: {\"name\":\"healer\"}");
        }
        return name;
    }

    /**
     * {@code {"role":"admin"|"viewer"}} (admin when left out) answers {@code {"role","path","url","expires_at"}}:
     * the link's path, and its whole URL at the address the controller listens on (for a wildcard bind, the
     * controller machine's Tailscale address, else its LAN address or mDNS name).
     */
    private static Map<String, Object> loginLink(ControllerDaemon daemon, JsonNode data) throws ControlException {
        String text = data == null || data.path("role").isMissingNode() || data.path("role").isNull() ? "admin"
                : data.path("role").asText();
        Tokens.Role role = Tokens.Role.parse(text).orElseThrow(() -> new ControlException(
                ControlException.BAD_REQUEST, "role must be admin or viewer, not '" + text + "'"));
        String url = daemon.url();
        if (url == null) {
            throw new ControlException(ControlException.UNAVAILABLE, "the controller's web server is still "
                    + "starting; ask again in a moment");
        }
        LoginLinks.Link link = daemon.webAuth().links().create(role);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("role", role.wire());
        answer.put("path", link.path());
        answer.put("url", reachable(url, daemon.config()) + link.path());
        answer.put("expires_at", link.expires().toString());
        return answer;
    }

    /** The web server's URL, with a wildcard address replaced by one a phone can open. */
    static String reachable(String url, FleetConfig config) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host == null || !Binds.isWildcard(host)) {
            return url;
        }
        MachineSpec machine = config.machines().get(config.controller().machine());
        var a = machine == null ? null : machine.addresses();
        String named = a == null ? null : a.tailscale() != null ? a.tailscale() : a.lan() != null ? a.lan() : a.mdns();
        if (named == null) {
            return url;
        }
        return uri.getScheme() + "://" + (named.contains(":") ? "[" + named + "]" : named) + ":" + uri.getPort();
    }
}
