package dev.homefleet.controller.init;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link StarterPlan} as fleet.yaml text: a valid file for this one machine, with comments that say what
 * to edit (the controller's bind and tokens, other machines, Telegram) and what was found but left out.
 */
public final class StarterFile {

    private final StringBuilder text = new StringBuilder();

    private StarterFile() {}

    public static String render(StarterPlan plan, Instant at) {
        StarterFile file = new StarterFile();
        file.write(plan, at);
        return file.text.toString();
    }

    private void write(StarterPlan plan, Instant at) {
        HostFacts host = plan.host();
        String machine = host.machineName();
        line(0, "# homefleet's fleet file, drafted by `fleet init` on " + YamlText.comment(host.hostname()) + " at "
                + at.truncatedTo(ChronoUnit.SECONDS) + " from what it found running.");
        line(0, "# Read it top to bottom and edit it; every key is described in docs/fleet-yaml.md.");
        line(0, "# Check an edit with: fleet validate      See the port plan with: fleet ports");
        line(0, "# Secrets never go in this file: write ${ENV_NAME}, or file:PATH naming a file only you can read.");
        for (String note : plan.notes()) {
            line(0, "# Not looked at: " + YamlText.comment(note));
        }
        line(0, "version: 1");
        line(0, "name: homelab");
        blank();
        controller(machine, plan.controllerPort(), host);
        blank();
        line(0, "machines:");
        line(1, machine + ":");
        line(2, "description: " + YamlText.scalar(description(host)));
        line(2, "os: " + host.os().name().toLowerCase(Locale.ROOT));
        line(2, "addresses:");
        optional(3, "lan", host.lan(), "no private IPv4 address found on a network interface");
        optional(3, "tailscale", host.tailscale(), "no Tailscale address (100.64.0.0/10) found; install Tailscale "
                + "to reach this machine from your phone");
        optional(3, "mdns", host.mdns(), "no .local name known; write the name other machines resolve");
        line(2, "reach:");
        line(3, "via: local            # the controller's own machine");
        services(plan);
        skipped(plan);
        blank();
        otherMachines();
        blank();
        rest();
    }

    private void controller(String machine, int port, HostFacts host) {
        line(0, "controller:");
        line(1, "machine: " + machine);
        line(1, "# Where the API, the dashboard and the WebSocket listen. loopback: this machine only, no token needed.");
        line(1, "# To open the dashboard from your phone over Tailscale, write bind: tailscale"
                + (host.tailscale() == null ? " (once Tailscale is up)" : "") + " and set the tokens below:");
        line(1, "# anything beyond loopback needs controller.tokens.admin.");
        line(1, "bind: loopback");
        line(1, "port: " + port);
        line(1, "data_dir: ~/.homefleet     # its socket and its SQLite database (homefleet.db)");
        line(1, "# tokens:");
        line(1, "#   admin: ${HOMEFLEET_ADMIN_TOKEN}      # export it, e.g. from: openssl rand -hex 32");
        line(1, "#   viewer: ${HOMEFLEET_VIEWER_TOKEN}    # read-only");
    }

    private void services(StarterPlan plan) {
        if (plan.services().isEmpty() && plan.review().isEmpty()) {
            line(2, "# services: none found; add them as docs/fleet-yaml.md shows (services.NAME)");
            return;
        }
        if (plan.services().isEmpty()) {
            line(2, "# No pm2 app or LaunchAgent found. To watch a listener below, uncomment this line and its block:");
            line(2, "# services:");
        } else {
            line(2, "services:");
            line(3, "# Found with a manager homefleet drives (pm2, launchd): the healer restarts them when their check");
            line(3, "# fails. Rename them freely; remove what you do not want watched.");
            for (PlannedService service : plan.services()) {
                service(service, false);
            }
        }
        if (!plan.review().isEmpty()) {
            line(3, "# Found listening, but started by nothing homefleet drives: homefleet could not restart them.");
            line(3, "# To watch one, uncomment it and give it a manager that starts it: a process manager runs");
            line(3, "# the command (check it: it was read from the running process), or move it under pm2 or launchd.");
            for (PlannedService service : plan.review()) {
                service(service, true);
            }
        }
    }

    private void service(PlannedService service, boolean commented) {
        String c = commented ? "# " : "";
        // Above a commented-out block, so that uncommenting the block is removing "# " from each of its lines.
        if (commented) {
            service.comments().forEach(comment -> line(3, "# " + YamlText.comment(comment)));
        }
        line(3, c + service.name() + ":");
        if (!commented) {
            service.comments().forEach(comment -> line(4, "# " + YamlText.comment(comment)));
        }
        line(4, c + "description: " + YamlText.scalar(service.description()));
        line(4, c + "manager:");
        for (Map.Entry<String, Object> key : service.manager().entrySet()) {
            line(5, c + key.getKey() + ": " + value(key.getValue()));
        }
        if (service.port() != null) {
            line(4, c + "port: " + service.port());
            line(4, c + "bind: " + YamlText.scalar(service.bind()));
        }
        if (!service.check().isEmpty()) {
            line(4, c + "check:");
            for (Map.Entry<String, Object> key : service.check().entrySet()) {
                line(5, c + key.getKey() + ": " + value(key.getValue()));
            }
        }
    }

    private void skipped(StarterPlan plan) {
        if (plan.skipped().isEmpty()) {
            return;
        }
        line(2, "# Left out on purpose:");
        plan.skipped().forEach((why, what) -> {
            line(2, "#   " + YamlText.comment(why) + ":");
            for (String item : what) {
                line(2, "#     " + YamlText.comment(item));
            }
        });
    }

    private void otherMachines() {
        line(1, "# Other machines: one block each. A Mac Mini reached over SSH, with homefleet's agent on it");
        line(1, "# (install it there with: fleet launchd install agent):");
        line(1, "# macmini:");
        line(1, "#   os: macos");
        line(1, "#   addresses: {lan: 192.168.1.20, mdns: macmini.local}");
        line(1, "#   reach:");
        line(1, "#     via: ssh");
        line(1, "#     ssh: {host: macmini.local, user: me}");
        line(1, "#   agent:");
        line(1, "#     bind: lan");
        line(1, "#     token: ${HOMEFLEET_AGENT_TOKEN}");
        line(1, "#   services: {}");
    }

    private void rest() {
        line(0, "# Port ranges kept for projects (fleet ports suggest PROJECT finds a free one):");
        line(0, "# ports:");
        line(0, "#   reserved:");
        line(0, "#     my-app: {range: 3000-3099, description: my app's servers}");
        blank();
        line(0, "# The jobs (checks, heartbeat, healer, cleaner) run with their defaults; tune them under jobs:.");
        blank();
        line(0, "# Alerts on Telegram: make a bot with @BotFather, export its token as HOMEFLEET_TELEGRAM_BOT_TOKEN,");
        line(0, "# send it a message and find your chat id, then uncomment this and test it with: fleet alert test");
        line(0, "# alerts:");
        line(0, "#   telegram:");
        line(0, "#     bot_token: ${HOMEFLEET_TELEGRAM_BOT_TOKEN}");
        line(0, "#     chat_ids: [123456789]");
    }

    private static String description(HostFacts host) {
        return "this machine (" + host.hostname() + "), found by fleet init";
    }

    private static Object value(Object value) {
        if (value instanceof List<?> list) {
            return YamlText.list(list.stream().map(String::valueOf).toList());
        }
        return value instanceof Boolean b ? b.toString() : YamlText.scalar(String.valueOf(value));
    }

    private void optional(int depth, String key, String value, String otherwise) {
        line(depth, value != null ? key + ": " + YamlText.scalar(value) : "# " + key + ": none; " + otherwise);
    }

    private void line(int depth, String line) {
        text.append("  ".repeat(depth)).append(line).append('\n');
    }

    private void blank() {
        text.append('\n');
    }
}
