package dev.homefleet.controller.cli;

import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.apply.PortMove;
import dev.homefleet.controller.apply.PortMover;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Move running services to the ports fleet.yaml gives them: for each service whose manager "
                + "starts it with another PORT, check the new port is free, rewrite the definition (pm2 ecosystem, "
                + "plist, process environment), restart, verify, and roll back on any failure.",
                "Exits 0 when everything is where fleet.yaml says, 1 when a move was refused or rolled back."})
final class ApplyCommand implements Callable<Integer> {

    /** Environment variables passed on to the managers' commands run on this machine. */
    static final List<String> PASSED_ON = List.of("PM2_HOME", "PATH");
    static final String ENV_PM2 = "HOMEFLEET_PM2";

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--dry-run", description = "Only say what would be moved.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the moves as JSON.")
    boolean json;

    @Option(names = "--verify-within", paramLabel = "DURATION", defaultValue = "20s",
            description = "How long a restarted service has to listen on its new port (default ${DEFAULT-VALUE}).")
    String verifyWithin;

    ApplyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Duration verify;
        try {
            verify = dev.homefleet.core.config.Durations.parse(verifyWithin);
        } catch (IllegalArgumentException e) {
            throw new FleetCommand.UsageException("--verify-within: " + e.getMessage());
        }
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(spec.commandLine().getErr(), result, "; fix them before applying");
        }
        FleetConfig config = result.config();
        PrintWriter out = spec.commandLine().getOut();
        // Commands on this machine run as the user whose home this is (pm2's ecosystem file lives under it).
        LocalCommandRunner.Builder local = LocalCommandRunner.builder().environment("HOME", context.home().toString());
        PASSED_ON.forEach(name -> {
            String value = context.environment().get(name);
            if (value != null) {
                local.environment(name, value);
            }
        });
        String pm2 = context.environment().get(ENV_PM2);
        ServiceManagers managers = Managers.withPm2(pm2 == null ? null : List.of(pm2));
        OkHttpClient http = new OkHttpClient();
        try (FleetReach reach = new FleetReach(config, context.environment(), context.home(), local.build(),
                () -> SshRunners.create(context.home(), System.getProperty("user.name")), http)) {
            PortMover mover = new PortMover(config,
                    (machine, service) -> managers.forService(machine, service, reach.commands(machine.name())),
                    machine -> reach.listeners(machine).value(), verify,
                    new PortMover.Progress() {
                        @Override
                        public void step(String machine, String service, String what) {
                            if (!json) {
                                out.println(machine + "/" + service + ": " + what);
                            }
                        }
                    });
            List<PortMove> moves = mover.apply(dryRun);
            if (json) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("dry_run", dryRun);
                document.put("moves", moves);
                Output.json(out, document);
            } else {
                Table table = new Table("MACHINE", "SERVICE", "FROM", "TO", "OUTCOME", "DETAIL").alignRight(2).alignRight(3);
                moves.forEach(m -> table.row(m.machine(), m.service(), m.from() < 0 ? "-" : m.from(), m.to(),
                        m.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'), m.detail()));
                table.print(out);
            }
            return moves.stream().allMatch(m -> m.outcome().ok()) ? ExitCodes.OK : ExitCodes.FINDING;
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
