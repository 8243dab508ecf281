package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.ports.PortRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "suggest", mixinStandardHelpOptions = true,
        description = {"Print the lowest free port of a project's reserved range, alone on a line.",
                "Free means no declared listener uses it on the machine (without --machine: on any machine)."})
final class PortsSuggestCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "PROJECT", description = "A project of ports.reserved, e.g. aphos-game.")
    String project;

    @Option(names = {"-m", "--machine"}, paramLabel = "MACHINE", description = "The machine the port is for.")
    String machine;

    @Option(names = "--json", description = "Print {\"project\":...,\"machine\":...,\"port\":N} (port null when full).")
    boolean json;

    PortsSuggestCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(spec.commandLine().getErr(), result, "; fix them before asking for a port");
        }
        FleetConfig config = result.config();
        Optional<String> on = PortsCommand.machineOption(config, machine);
        PortRegistry registry = PortRegistry.of(config);
        if (!registry.projects().contains(project)) {
            try {
                registry.suggest(project, on);
            } catch (IllegalArgumentException e) {
                throw new FleetCommand.UsageException(e.getMessage());
            }
        }
        OptionalInt port = registry.suggest(project, on);
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("project", project);
            document.put("machine", on.orElse(null));
            document.put("port", port.isPresent() ? port.getAsInt() : null);
            Output.json(spec.commandLine().getOut(), document);
            return port.isPresent() ? ExitCodes.OK : ExitCodes.FINDING;
        }
        if (port.isEmpty()) {
            spec.commandLine().getErr().println("fleet: every port of " + project + "'s range is taken"
                    + on.map(m -> " on " + m).orElse("") + "; widen ports.reserved." + project + ".range");
            return ExitCodes.FINDING;
        }
        spec.commandLine().getOut().println(port.getAsInt());
        return ExitCodes.OK;
    }
}
