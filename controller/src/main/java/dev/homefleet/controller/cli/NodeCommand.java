package dev.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Ask this machine's own agent, through its local control socket (no token needed), for its "
                + "health, metrics and services.", "Exits 1 when no agent answers."})
final class NodeCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket (default ~/.homefleet/agent.sock).")
    Path socket;

    @Option(names = "--json", description = "Print {\"health\":...,\"metrics\":...,\"services\":[...]} as JSON.")
    boolean json;

    NodeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Path path = socket != null ? context.workingDirectory().resolve(socket)
                : context.home().resolve(".homefleet").resolve("agent.sock");
        ControlClient client = new ControlClient(path, Duration.ofSeconds(1));
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        try {
            for (String action : new String[] {"health", "metrics", "services"}) {
                answers.put(action, client.request(action, null, TIMEOUT));
            }
        } catch (ControlException e) {
            spec.commandLine().getErr().println("fleet: " + (e.code().equals("unavailable")
                    ? "no agent answers on " + path + "; start it with: fleet agent" : e.getMessage()));
            return ExitCodes.FINDING;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, answers);
            return ExitCodes.OK;
        }
        JsonNode health = answers.get("health");
        JsonNode m = answers.get("metrics");
        out.println(health.path("machine").asText() + ": agent " + health.path("version").asText() + ", up "
                + health.path("uptime_s").asLong() + "s");
        StringBuilder line = new StringBuilder();
        double cpu = m.path("cpu_percent").asDouble(-1);
        line.append(cpu < 0 ? "cpu -" : String.format(Locale.ROOT, "cpu %.0f%%", cpu));
        if (m.path("load1").asDouble(-1) >= 0) {
            line.append(String.format(Locale.ROOT, "  load %.2f", m.path("load1").asDouble()));
        }
        line.append("  memory ").append(usage(m.path("memory_used").asLong(), m.path("memory_total").asLong()));
        line.append("  swap ").append(usage(m.path("swap_used").asLong(), m.path("swap_total").asLong()));
        int processes = m.path("processes").asInt(-1);
        line.append("  processes ").append(processes < 0 ? "-" : Integer.toString(processes));
        out.println(line);
        for (JsonNode disk : m.path("disks")) {
            out.println("disk " + disk.path("mount").asText() + " " + usage(disk.path("used").asLong(),
                    disk.path("total").asLong()));
        }
        out.println();
        Table table = new Table("SERVICE", "MANAGER", "PORT", "STATUS", "PID", "PROCESS", "REASON").alignRight(2);
        for (JsonNode s : answers.get("services")) {
            table.row(s.path("name").asText(), s.path("manager").asText(), text(s.path("port")),
                    s.path("status").asText(), text(s.path("pid")), text(s.path("process")), text(s.path("reason")));
        }
        table.print(out);
        return ExitCodes.OK;
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? "-" : node.asText();
    }

    static String usage(long used, long total) {
        if (total <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f/%.1f GiB (%.0f%%)", used / GIB, total / GIB, 100.0 * used / total);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
