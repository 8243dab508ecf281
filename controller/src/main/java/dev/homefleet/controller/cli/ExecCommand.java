package dev.homefleet.controller.cli;

import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command on a machine the way fleet.yaml reaches it (locally on the controller's "
                + "machine, over SSH elsewhere) and print its output.",
                "Exits with the command's exit code; 124 when it timed out, 255 when the machine could not be reached."},
        footer = "Example: fleet exec macmini -- pm2 jlist")
final class ExecCommand implements Callable<Integer> {

    static final int TIMED_OUT = 124;
    static final int UNREACHABLE = 255;

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the command may run (default ${DEFAULT-VALUE}).")
    String timeout;

    @Parameters(index = "0", paramLabel = "MACHINE", description = "A machine of fleet.yaml.")
    String machine;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The program and its arguments, after --.")
    List<String> command;

    ExecCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Duration limit;
        try {
            limit = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new FleetCommand.UsageException("--timeout: " + e.getMessage());
        }
        if (limit.isZero()) {
            throw new FleetCommand.UsageException("--timeout: " + timeout.strip() + " is not a timeout; give a "
                    + "positive duration, e.g. 30s");
        }
        // Parsing stops at the machine, so a "--" after it arrives here; it only marks where the command starts.
        List<String> argv = !command.isEmpty() && command.get(0).equals("--") ? command.subList(1, command.size())
                : command;
        if (argv.isEmpty()) {
            throw new FleetCommand.UsageException("name the command to run after --, e.g. fleet exec " + machine
                    + " -- uptime");
        }
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(spec.commandLine().getErr(), result, "");
        }
        FleetConfig config = result.config();
        PortsCommand.machineOption(config, machine);
        OkHttpClient http = new OkHttpClient();
        try (FleetReach reach = new FleetReach(config, context.environment(), context.home(),
                LocalCommandRunner.builder().build(),
                () -> SshRunners.create(context.home(), System.getProperty("user.name")), http)) {
            CommandRunner runner = reach.commands(machine);
            CommandResult ran = runner.run(argv, limit);
            spec.commandLine().getOut().print(ran.stdout());
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().print(ran.stderr());
            if (ran.timedOut()) {
                spec.commandLine().getErr().println("fleet: " + argv.get(0) + " did not finish in "
                        + Durations.format(limit) + " on " + machine + " (" + runner.describe() + ")");
                return TIMED_OUT;
            }
            spec.commandLine().getErr().flush();
            return ran.exitCode() < 0 ? UNREACHABLE : ran.exitCode();
        } catch (IOException e) {
            spec.commandLine().getErr().println("fleet: " + e.getMessage());
            return UNREACHABLE;
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
