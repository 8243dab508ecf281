package dev.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.control.ControlException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"The controller's jobs (checks, heartbeat, healer, cleaner): schedule, last runs with their "
                + "outcome and what they did, next run.", "`fleet jobs run NAME` runs one now and waits for it."})
final class JobsCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ControllerSocketOptions controllerOptions = new ControllerSocketOptions();

    @Option(names = "--json", description = "Print the jobs and their recent runs as JSON.")
    boolean json;

    JobsCommand(CliContext context) {
        this.context = context;
    }

    static CommandLine commandLine(CliContext context) {
        return new CommandLine(new JobsCommand(context)).addSubcommand(new Run(context));
    }

    @Override
    public Integer call() {
        ControllerSocket controller = controllerOptions.locate(context);
        JsonNode answer;
        try {
            answer = controller.request("jobs", null, Duration.ofSeconds(10));
        } catch (ControlException e) {
            spec.commandLine().getErr().println("fleet: " + controller.explain(e));
            return ExitCodes.FINDING;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, answer);
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        table(answer.path("jobs"), now).print(out);
        if (!answer.path("runs").isEmpty()) {
            out.println();
            out.println("Recent runs:");
            Table runs = new Table("JOB", "STARTED", "TOOK", "OUTCOME", "SUMMARY");
            answer.path("runs").forEach(r -> runs.row(r.path("job").asText(), Ago.of(r.path("started").asText(), now),
                    took(r), r.path("outcome").asText("-"), r.path("summary").asText("-")));
            runs.print(out);
        }
        return ExitCodes.OK;
    }

    /** Each job's line: schedule, last run, outcome, next run, what it did (also in `fleet status`). */
    static Table table(JsonNode jobs, Instant now) {
        Table table = new Table("JOB", "SCHEDULE", "LAST RUN", "OUTCOME", "NEXT", "SUMMARY");
        jobs.forEach(j -> table.row(j.path("name").asText(), j.path("schedule").asText("-"),
                Ago.of(j.path("last_start").asText(), now), j.path("outcome").asText("-"),
                Ago.of(j.path("next_fire").asText(), now), j.path("summary").asText("-")));
        return table;
    }

    private static String took(JsonNode run) {
        if (run.path("finished").isMissingNode() || run.path("finished").isNull()) {
            return "-";
        }
        try {
            Duration d = Duration.between(Instant.parse(run.path("started").asText()),
                    Instant.parse(run.path("finished").asText()));
            return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
        } catch (RuntimeException e) {
            return "-";
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run one job now and wait for it to finish.", "Exits 1 when the run failed."})
    static final class Run implements Callable<Integer> {
        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        ControllerSocketOptions controllerOptions = new ControllerSocketOptions();

        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Parameters(paramLabel = "NAME", description = "checks, heartbeat, healer or cleaner.")
        String name;

        Run(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            ControllerSocket controller = controllerOptions.locate(context);
            JsonNode run;
            try {
                run = controller.request("jobs.run", Map.of("name", name), Duration.ofMinutes(10));
            } catch (ControlException e) {
                spec.commandLine().getErr().println("fleet: " + controller.explain(e));
                return e.code().equals("not_found") ? ExitCodes.USAGE : ExitCodes.FINDING;
            }
            if (json) {
                Output.json(spec.commandLine().getOut(), run);
            } else {
                spec.commandLine().getOut().println(name + ": " + run.path("outcome").asText() + ", "
                        + run.path("summary").asText());
            }
            return run.path("outcome").asText().equals("ok") ? ExitCodes.OK : ExitCodes.FINDING;
        }
    }
}
