package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Problem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a fleet file and print every problem in it, with line and column.",
                "Exits 0 when it is valid (warnings allowed), 1 when it has errors."})
final class ValidateCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check (same as --config).")
    Path file;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    ValidateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Path target = file != null ? context.workingDirectory().resolve(file) : options.locate(context);
        LoadResult result = ConfigOptions.load(context, target);
        var out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, report(result));
        } else {
            Output.problems(out, result);
            if (result.ok()) {
                FleetConfig config = result.config();
                out.println(result.file() + ": OK (" + config.machines().size() + " machines, "
                        + config.serviceCount() + " services)");
            } else {
                out.println(Output.summary(result));
            }
        }
        return result.ok() ? ExitCodes.OK : ExitCodes.FINDING;
    }

    private static Map<String, Object> report(LoadResult result) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", result.file());
        report.put("ok", result.ok());
        result.bound().filter(c -> result.ok()).ifPresent(config -> {
            report.put("machines", config.machines().size());
            report.put("services", config.serviceCount());
        });
        List<Map<String, Object>> problems = result.problems().stream().map(ValidateCommand::problem).toList();
        report.put("problems", problems);
        return report;
    }

    private static Map<String, Object> problem(Problem p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("severity", p.severity());
        out.put("line", p.line());
        out.put("column", p.column());
        out.put("path", p.path());
        out.put("message", p.message());
        return out;
    }
}
