package dev.homefleet.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import dev.homefleet.agent.failover.FailoverMode;
import dev.homefleet.agent.failover.FailoverStatus;
import dev.homefleet.agent.failover.FailoverWatchdog;
import dev.homefleet.agent.failover.Transition;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.control.ControlClient;
import dev.homefleet.core.control.ControlException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet failover}: the failover watchdogs, which run in the standby machines' agents. Each command asks the
 * standby's agent: through this machine's agent socket when this machine is the standby (no token), else over its
 * HTTP API with the agent token from this environment.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"The failover watchdogs on the standby machines: state, checks and transitions; promote, demote "
                + "or set back to auto.", "Without a subcommand: status."})
public final class FailoverCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = AgentJson.mapper();
    private static final Duration READ_WAIT = Duration.ofSeconds(10);
    private static final Duration COMMAND_WAIT = FailoverWatchdog.COMMAND_WAIT.plusSeconds(30);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    Where where = new Where();

    FailoverCommand(CliContext context) {
        this.context = context;
    }

    /** The command with its subcommands, wired to {@code context}. */
    public static CommandLine commandLine(CliContext context) {
        return new CommandLine(new FailoverCommand(context))
                .addSubcommand(new Status(context))
                .addSubcommand("promote", Change.line(context, "promote", "Pin the standby active: it takes over now "
                        + "unless it has, and stays active until `fleet failover auto`."))
                .addSubcommand("demote", Change.line(context, "demote", "Pin the standby standby: it yields now "
                        + "unless it has, and stays standby until `fleet failover auto`."))
                .addSubcommand("auto", Change.line(context, "auto", "Let the checks decide again: the next check may "
                        + "take over or yield."));
    }

    @Override
    public Integer call() {
        Status status = new Status(context);
        status.spec = spec;
        status.where = where;
        return status.call();
    }

    /** {@code --config} and {@code --socket}: where fleet.yaml and this machine's agent are. */
    static final class Where {
        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(names = "--socket", paramLabel = "PATH",
                description = "This machine's agent socket (default ~/.homefleet/agent.sock), used when this machine "
                        + "is the standby.")
        Path socket;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Each failover's state, streaks, last check and recent transitions, as its standby's "
                    + "agent tells them.", "Exits 1 when an agent cannot be asked or a failover's actions failed."})
    static final class Status implements Callable<Integer> {
        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "One failover (default: all of fleet.yaml's).")
        String name;

        @Option(names = "--json", description = "Print the agents' answers as JSON (a list, or one object with NAME).")
        boolean json;

        Status(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Agents agents = Agents.open(context, where, spec);
            if (agents == null) {
                return ExitCodes.FINDING;
            }
            try (agents) {
                List<FailoverSpec> chosen = name != null ? List.of(agents.failover(name))
                        : List.copyOf(agents.config.failover().values());
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                if (chosen.isEmpty()) {
                    out.println("fleet.yaml declares no failover");
                    return ExitCodes.OK;
                }
                Map<String, FailoverStatus> answers = new LinkedHashMap<>();
                Map<String, String> failures = new LinkedHashMap<>();
                for (FailoverSpec failover : chosen) {
                    try {
                        answers.put(failover.name(), agents.status(failover));
                    } catch (IOException e) {
                        failures.put(failover.name(), e.getMessage());
                    }
                }
                boolean failed = answers.values().stream().anyMatch(s -> s.state().failed());
                if (json) {
                    print(out, name != null && !answers.isEmpty() ? answers.get(name) : answers.values());
                } else {
                    table(out, chosen, answers);
                    if (name != null && answers.containsKey(name)) {
                        details(out, answers.get(name));
                    }
                }
                failures.forEach((failover, why) -> err.println("fleet: cannot ask about failover " + failover + ": "
                        + why));
                return failures.isEmpty() && !failed ? ExitCodes.OK : ExitCodes.FINDING;
            }
        }

        private static void table(PrintWriter out, List<FailoverSpec> chosen, Map<String, FailoverStatus> answers) {
            Instant now = Instant.now();
            Table table = new Table("FAILOVER", "STATE", "MODE", "PRIMARY", "STANDBY", "FAIL", "OK", "LAST CHECK",
                    "SINCE").alignRight(5).alignRight(6);
            for (FailoverSpec failover : chosen) {
                FailoverStatus s = answers.get(failover.name());
                if (s == null) {
                    table.row(failover.name(), "unknown", "-", endpoint(failover.primary()),
                            endpoint(failover.standby()), "-", "-", "-", "-");
                    continue;
                }
                String last = s.lastCheck() == null ? "-" : Ago.of(s.lastCheck().at(), now) + ": "
                        + s.lastCheck().detail();
                String since = s.transitions().isEmpty() ? "-" : Ago.of(s.transitions().get(
                        s.transitions().size() - 1).at(), now);
                table.row(s.name(), s.state().wire() + (s.running() != null ? " (running " + s.running().wire()
                        + ")" : ""), s.mode().wire(), s.primary(), s.standby(), Integer.toString(s.failures()),
                        Integer.toString(s.successes()), last, since);
            }
            table.print(out);
        }

        private static void details(PrintWriter out, FailoverStatus s) {
            Instant now = Instant.now();
            out.println();
            out.println("checks " + s.check() + " every " + s.interval() + " (timeout " + s.timeout() + "); takes over "
                    + "after " + s.fall() + " failures in a row, yields after " + s.rise() + " successes in a row");
            if (s.mode() != FailoverMode.AUTO) {
                out.println("pinned " + (s.mode() == FailoverMode.PROMOTED ? "active" : "standby") + " by hand until: "
                        + "fleet failover auto " + s.name());
            }
            if (s.lastActions() != null) {
                out.println("last " + s.lastActions().run().wire() + " actions " + Ago.of(s.lastActions().at(), now)
                        + ": " + (s.lastActions().ok() ? "ok" : "FAILED") + (s.lastActions().detail().isEmpty() ? ""
                                : " (" + s.lastActions().detail() + ")")
                        + (s.attempts() > 0 ? "; " + s.attempts() + " failed attempts, retrying" : ""));
            }
            if (s.problem() != null) {
                out.println("problem: " + s.problem());
            }
            if (!s.transitions().isEmpty()) {
                out.println();
                Table table = new Table("WHEN", "FROM", "TO", "WHY");
                List<Transition> recent = s.transitions().subList(Math.max(0, s.transitions().size() - 10),
                        s.transitions().size());
                for (Transition t : recent) {
                    table.row(Ago.of(t.at(), now), t.from().wire(), t.to().wire(), t.reason());
                }
                table.print(out);
            }
        }
    }

    /** promote, demote and auto: one change, asked of the standby's agent, which answers once its actions ran. */
    @Command(mixinStandardHelpOptions = true)
    static final class Change implements Callable<Integer> {
        private final CliContext context;
        private final String command;

        @Spec
        CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(paramLabel = "NAME", arity = "0..1",
                description = "The failover; may be left out when fleet.yaml declares only one.")
        String name;

        @Option(names = "--json", description = "Print the agent's answer as JSON.")
        boolean json;

        private Change(CliContext context, String command) {
            this.context = context;
            this.command = command;
        }

        static CommandLine line(CliContext context, String command, String description) {
            CommandLine line = new CommandLine(new Change(context, command));
            line.getCommandSpec().name(command);
            line.getCommandSpec().usageMessage().description(description, "Exits 1 when the agent cannot be asked "
                    + "or the actions failed.");
            return line;
        }

        @Override
        public Integer call() {
            Agents agents = Agents.open(context, where, spec);
            if (agents == null) {
                return ExitCodes.FINDING;
            }
            try (agents) {
                FailoverSpec failover = name != null ? agents.failover(name) : agents.onlyFailover(command);
                FailoverStatus after;
                try {
                    after = agents.change(failover, command);
                } catch (IOException e) {
                    spec.commandLine().getErr().println("fleet: cannot " + command + " failover " + failover.name()
                            + ": " + e.getMessage());
                    return ExitCodes.FINDING;
                }
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    print(out, after);
                } else {
                    out.println(sentence(after));
                }
                return after.state().failed() ? ExitCodes.FINDING : ExitCodes.OK;
            }
        }

        private String sentence(FailoverStatus s) {
            String standby = s.standby();
            String state = standby + " is " + s.state().wire() + (s.mode() == FailoverMode.AUTO
                    ? "; the checks decide again" : ", pinned until fleet failover auto " + s.name());
            String actions = "";
            if (s.running() != null) {
                actions = "; its " + s.running().wire() + " actions are still running (see fleet failover status "
                        + s.name() + ")";
            } else if (s.lastActions() != null && !s.transitions().isEmpty()
                    && !s.lastActions().at().isBefore(s.transitions().get(s.transitions().size() - 1).at())) {
                actions = "; " + s.lastActions().run().wire() + " actions " + (s.lastActions().ok() ? "done"
                        : "FAILED, retrying: " + s.lastActions().detail());
            }
            return s.name() + ": " + state + actions;
        }
    }

    private static String endpoint(FailoverSpec.Endpoint endpoint) {
        return endpoint.service() == null ? endpoint.machine() : endpoint.machine() + "/" + endpoint.service();
    }

    private static void print(PrintWriter out, Object value) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The standby agents of fleet.yaml's failovers: this machine's own through its socket when it is the standby
     * (it says which machine it is), any other over HTTP.
     */
    static final class Agents implements AutoCloseable {
        final FleetConfig config;
        private final CliContext context;
        private final Path socket;
        private final OkHttpClient http = new OkHttpClient();
        private final Map<String, Optional<String>> socketMachine = new HashMap<>();

        private Agents(FleetConfig config, CliContext context, Path socket) {
            this.config = config;
            this.context = context;
            this.socket = socket;
        }

        /** @return null after printing why fleet.yaml cannot be used */
        static Agents open(CliContext context, Where where, CommandSpec spec) {
            LoadResult result = where.options.load(context);
            if (!result.ok()) {
                Output.refuse(spec.commandLine().getErr(), result, "; fix them first");
                return null;
            }
            Path socket = where.socket != null ? context.workingDirectory().resolve(where.socket)
                    : context.home().resolve(".homefleet").resolve("agent.sock");
            return new Agents(result.config(), context, socket);
        }

        FailoverSpec failover(String name) {
            FailoverSpec failover = config.failover().get(name);
            if (failover == null) {
                throw new FleetCommand.UsageException("no failover '" + name + "' in fleet.yaml; "
                        + (config.failover().isEmpty() ? "it declares none"
                                : "its failovers are " + String.join(", ", config.failover().keySet())));
            }
            return failover;
        }

        FailoverSpec onlyFailover(String command) {
            if (config.failover().size() != 1) {
                throw new FleetCommand.UsageException("name the failover: fleet failover " + command + " NAME; "
                        + (config.failover().isEmpty() ? "fleet.yaml declares none"
                                : "fleet.yaml declares " + String.join(", ", config.failover().keySet())));
            }
            return config.failover().values().iterator().next();
        }

        FailoverStatus status(FailoverSpec failover) throws IOException {
            if (local(failover)) {
                return parse(request("failover", failover.name(), READ_WAIT));
            }
            return client(failover).failover(failover.name());
        }

        FailoverStatus change(FailoverSpec failover, String command) throws IOException {
            if (local(failover)) {
                return parse(request("failover." + command, failover.name(), COMMAND_WAIT));
            }
            return client(failover).failover(failover.name(), command);
        }

        /** True when this machine's agent answers on the socket and is the failover's standby. */
        private boolean local(FailoverSpec failover) {
            Optional<String> machine = socketMachine.computeIfAbsent("machine", k -> {
                if (!Files.exists(socket)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(new ControlClient(socket, Duration.ofSeconds(1))
                            .request("health", null, READ_WAIT).path("machine").asText());
                } catch (ControlException e) {
                    return Optional.empty();
                }
            });
            return machine.isPresent() && machine.get().equals(failover.standby().machine());
        }

        private JsonNode request(String action, String name, Duration wait) throws IOException {
            try {
                return new ControlClient(socket, Duration.ofSeconds(1)).request(action, Map.of("name", name), wait);
            } catch (ControlException e) {
                throw new IOException("this machine's agent (" + socket + ") answered " + e.code() + ": "
                        + e.getMessage(), e);
            }
        }

        private static FailoverStatus parse(JsonNode answer) throws IOException {
            try {
                return JSON.treeToValue(answer, FailoverStatus.class);
            } catch (JsonProcessingException e) {
                throw new IOException("the agent's answer is not a failover status: " + e.getOriginalMessage(), e);
            }
        }

        private AgentClient client(FailoverSpec failover) throws IOException {
            MachineSpec standby = config.machines().get(failover.standby().machine());
            Optional<String> url = FleetReach.agentUrl(standby);
            if (url.isEmpty()) {
                throw new IOException(standby.name() + " has no agent in fleet.yaml that can be reached (add "
                        + "machines." + standby.name() + ".agent, or run this on " + standby.name() + ")");
            }
            String token = null;
            if (standby.agent().token() != null) {
                String where = "machines." + standby.name() + ".agent.token";
                token = standby.agent().token().resolve(context.environment(), context.home())
                        .orElseThrow(() -> new IOException(standby.name() + "'s agent token "
                                + standby.agent().token() + " is not set in this environment (" + where + ")"));
            }
            return new AgentClient(http, url.get(), token);
        }

        @Override
        public void close() {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
