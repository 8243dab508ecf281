package dev.homefleet.controller.cli;

import dev.homefleet.controller.init.AtomicFile;
import dev.homefleet.controller.init.HostFacts;
import dev.homefleet.controller.init.StarterFile;
import dev.homefleet.controller.init.StarterPlan;
import dev.homefleet.controller.init.Survey;
import dev.homefleet.controller.init.Surveyor;
import dev.homefleet.core.config.ControllerSpec;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet init}: a first fleet.yaml for this machine from what runs on it, so that a newcomer edits a file
 * that already knows their services instead of writing one from the reference.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a starter ~/.homefleet/fleet.yaml from what runs on this machine: its host name, LAN "
                + "and Tailscale addresses, the TCP ports it listens on and their processes, its LaunchAgents and "
                + "pm2 apps. Listeners that neither pm2 nor launchd started are written commented out.",
                "It never overwrites a file without --force. Exits 0 when written, 2 when the file exists."},
        footer = {"", "Then edit the file (its comments say what to look at) and run: fleet validate"})
public final class InitCommand implements Callable<Integer> {

    private final CliContext context;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write here instead of ~/.homefleet/fleet.yaml.")
    Path output;

    @Option(names = "--force", description = "Replace the file if it exists.")
    boolean force;

    @Option(names = "--dry-run", description = "Print the file instead of writing it.")
    boolean dryRun;

    public InitCommand(CliContext context) {
        this(context, Clock.systemUTC());
    }

    InitCommand(CliContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path target = output != null ? context.workingDirectory().resolve(output)
                : context.home().resolve(".homefleet").resolve("fleet.yaml");
        String shown = ConfigOptions.shown(context, target).toString();
        if (!dryRun && !force && Files.exists(target)) {
            return exists(err, shown);
        }
        Survey survey = new Surveyor(runner(), context.home(), context.environment()).survey(HostFacts.detect());
        StarterPlan plan = StarterPlan.of(survey, ControllerSpec.DEFAULT_PORT);
        String text = StarterFile.render(plan, clock.instant());
        LoadResult check = new FleetConfigLoader(context.environment()).parse(text, shown);
        if (dryRun) {
            out.print(text);
            out.flush();
        }
        if (!check.ok()) {
            Output.problems(err, check);
            err.println("fleet: the drafted file does not pass fleet validate, which is a bug of fleet init; please "
                    + "report it with the lines above" + (dryRun ? "" : " (--dry-run prints the draft)"));
            return ExitCodes.FINDING;
        }
        if (dryRun) {
            return ExitCodes.OK;
        }
        try {
            AtomicFile.write(target, text, force);
        } catch (FileAlreadyExistsException e) {
            return exists(err, shown);
        } catch (IOException e) {
            err.println("fleet: cannot write " + shown + ": " + e.getMessage() + "; pass --output FILE to write "
                    + "elsewhere, or --dry-run to print it");
            return ExitCodes.FINDING;
        }
        out.println("wrote " + shown + ": machine " + plan.host().machineName() + ", " + count(plan.services().size(),
                "service") + ", " + count(plan.review().size(), "listener") + " to review (commented out), "
                + count(plan.skipped().values().stream().mapToInt(List::size).sum(), "thing")
                + " left out (listed in it)");
        out.println("edit it, then run: fleet validate" + (output == null ? "" : " --config " + shown));
        return ExitCodes.OK;
    }

    private static int exists(PrintWriter err, String shown) {
        err.println("fleet: " + shown + " exists; fleet init does not overwrite it: pass --force to replace it, "
                + "--output FILE to write elsewhere, or --dry-run to print the draft");
        return ExitCodes.USAGE;
    }

    /** The tools run with the PATH, HOME and PM2_HOME of the command line's world. */
    private LocalCommandRunner runner() {
        LocalCommandRunner.Builder builder = LocalCommandRunner.builder()
                .environment("HOME", context.home().toString());
        for (String name : new String[] {"PATH", "PM2_HOME"}) {
            String value = context.environment().get(name);
            if (value != null && !value.isBlank()) {
                builder.environment(name, value);
            }
        }
        return builder.build();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
