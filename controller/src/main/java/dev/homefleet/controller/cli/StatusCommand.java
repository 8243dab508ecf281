package dev.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.control.ControlException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"The fleet as the running controller sees it: machines, services (up, down, degraded, "
                + "unknown, gave-up, and since when), last heartbeats, failing checks, jobs and check-ins, and "
                + "whether the config in force is the file on disk.",
                "Exits 0 when everything is up, 1 when something is down or the controller does not answer."})
final class StatusCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ControllerSocketOptions controllerOptions = new ControllerSocketOptions();

    @Option(names = "--json", description = "Print the whole snapshot as JSON.")
    boolean json;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ControllerSocket controller = controllerOptions.locate(context);
        JsonNode state;
        try {
            state = controller.request("status", null, Duration.ofSeconds(10));
        } catch (ControlException e) {
            spec.commandLine().getErr().println("fleet: " + controller.explain(e));
            return ExitCodes.FINDING;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, state);
            return healthy(state) ? ExitCodes.OK : ExitCodes.FINDING;
        }
        print(out, state, Instant.now());
        return healthy(state) ? ExitCodes.OK : ExitCodes.FINDING;
    }

    static boolean healthy(JsonNode state) {
        for (JsonNode machine : state.path("machines")) {
            if (machine.path("health").asText().equals("down")) {
                return false;
            }
            for (JsonNode service : machine.path("services")) {
                String health = service.path("health").asText();
                if (health.equals("down") || health.equals("gave-up")) {
                    return false;
                }
            }
        }
        return true;
    }

    static void print(PrintWriter out, JsonNode state, Instant now) {
        JsonNode config = state.path("config");
        out.println("config " + config.path("path").asText() + ", loaded " + Ago.of(config.path("loaded_at").asText(), now));
        if (!config.path("matches_disk").asBoolean(true)) {
            out.println("  NOT THE FILE ON DISK: the file was edited into something invalid, so the last good config "
                    + "stays in force. Fix these and save again:");
            config.path("rejected").forEach(problem -> out.println("    " + problem.asText()));
        }
        out.println();
        Table machines = new Table("MACHINE", "STATUS", "SINCE", "VIA", "HEARTBEAT", "CPU", "MEM", "SWAP", "DETAIL")
                .alignRight(5).alignRight(6).alignRight(7);
        List<String[]> failing = new ArrayList<>();
        Table services = new Table("SERVICE", "STATUS", "SINCE", "LAST CHECK", "RESTARTS", "DETAIL").alignRight(4);
        for (JsonNode m : state.path("machines")) {
            JsonNode metrics = m.path("metrics");
            machines.row(m.path("name").asText(), m.path("health").asText(), Ago.of(m.path("since").asText(), now),
                    text(m.path("via")), Ago.of(m.path("last_heartbeat").asText(), now),
                    percent(metrics.path("cpu_percent")), ratio(metrics, "memory"), ratio(metrics, "swap"),
                    text(m.path("error")));
            for (JsonNode s : m.path("services")) {
                String name = m.path("name").asText() + "/" + s.path("name").asText();
                String health = s.path("health").asText();
                services.row(name, health, Ago.of(s.path("since").asText(), now),
                        Ago.of(s.path("last_check").asText(), now), s.path("restarts").asInt(),
                        text(s.path("detail")));
                if (health.equals("down") || health.equals("gave-up") || s.path("failures").asInt() > 0) {
                    failing.add(new String[] {name, s.path("failures").asInt() + " failed in a row: "
                            + text(s.path("detail"))});
                }
            }
        }
        machines.print(out);
        out.println();
        services.print(out);
        if (!failing.isEmpty()) {
            out.println();
            out.println("Failing checks:");
            failing.forEach(f -> out.println("  " + f[0] + ": " + f[1]));
        }
        if (!state.path("jobs").isEmpty()) {
            out.println();
            JobsCommand.table(state.path("jobs"), now).print(out);
        }
        if (!state.path("checkins").isEmpty()) {
            out.println();
            Table checkins = new Table("CHECK-IN", "STATE", "SINCE", "LAST REPORT", "DUE", "MESSAGE");
            state.path("checkins").forEach(c -> checkins.row(c.path("name").asText(), c.path("state").asText(),
                    Ago.of(c.path("since").asText(), now), Ago.of(c.path("last_report").asText(), now),
                    Ago.of(c.path("due_at").asText(), now), text(c.path("last_message"))));
            checkins.print(out);
        }
        if (!state.path("failover").isEmpty()) {
            out.println();
            Table failover = new Table("FAILOVER", "STATE", "SINCE", "MODE", "FAILURES", "SUCCESSES", "REASON")
                    .alignRight(4).alignRight(5);
            state.path("failover").forEach(f -> failover.row(f.path("failover").asText(), f.path("to").asText(),
                    Ago.of(f.path("at").asText(), now), f.path("mode").asText("-"), f.path("failures").asInt(),
                    f.path("successes").asInt(), text(f.path("reason"))));
            failover.print(out);
        }
        if (!state.path("conflicts").isEmpty()) {
            out.println();
            out.println("Port conflicts:");
            state.path("conflicts").forEach(c -> out.println("  " + c.asText()));
        }
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "-" : node.asText();
    }

    private static String percent(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asDouble() < 0 ? "-"
                : String.format(Locale.ROOT, "%.0f%%", node.asDouble());
    }

    private static String ratio(JsonNode metrics, String what) {
        long used = metrics.path(what + "_used").asLong(-1);
        long total = metrics.path(what + "_total").asLong(-1);
        return used < 0 || total <= 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * used / total);
    }
}
