package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Suggest;
import dev.homefleet.core.ports.Conflict;
import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import dev.homefleet.core.ports.RangeUsage;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ports", mixinStandardHelpOptions = true,
        description = {"Show the port plan: every declared listener, the reserved ranges and what they use, "
                + "and the conflicts (marked !).", "Exits 1 when there are conflicts or other errors."})
final class PortsCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-m", "--machine"}, paramLabel = "MACHINE", description = "Only this machine.")
    String machine;

    @Option(names = "--json", description = "Print {\"ports\":[...],\"ranges\":[...],\"conflicts\":[...]} as JSON.")
    boolean json;

    PortsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LoadResult result = options.load(context);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (result.bound().isEmpty()) {
            return Output.refuse(err, result, "; fix them to see the port plan");
        }
        FleetConfig config = result.bound().get();
        Optional<String> only = machineOption(config, machine);
        PortRegistry registry = PortRegistry.of(config);
        List<PortEntry> entries = only.map(registry::entries).orElseGet(registry::entries);
        List<RangeUsage> ranges = registry.ranges(only);
        List<Conflict> conflicts = registry.conflicts().stream()
                .filter(c -> only.isEmpty() || c.entries().isEmpty()
                        || c.entries().stream().anyMatch(e -> e.machine().equals(only.get())))
                .toList();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("ports", entries);
            document.put("ranges", ranges);
            document.put("conflicts", conflicts);
            Output.json(out, document);
        } else {
            printTable(out, entries, ranges, conflicts);
        }
        List<String> otherErrors = result.errors().stream()
                .filter(p -> conflicts.stream().noneMatch(c -> p.message().startsWith(c.message())))
                .map(p -> p.format())
                .toList();
        otherErrors.forEach(err::println);
        if (!result.ok()) {
            err.println(Output.summary(result) + " (fleet validate lists them)");
        }
        return result.ok() && conflicts.isEmpty() ? ExitCodes.OK : ExitCodes.FINDING;
    }

    /** The --machine value, checked against the fleet. */
    static Optional<String> machineOption(FleetConfig config, String machine) {
        if (machine == null) {
            return Optional.empty();
        }
        if (!config.machines().containsKey(machine)) {
            throw new FleetCommand.UsageException("no machine named '" + machine + "'"
                    + Suggest.hint(machine, config.machines().keySet()));
        }
        return Optional.of(machine);
    }

    private static void printTable(PrintWriter out, List<PortEntry> entries, List<RangeUsage> ranges,
            List<Conflict> conflicts) {
        Set<PortEntry> conflicting = new HashSet<>();
        conflicts.forEach(c -> conflicting.addAll(c.entries()));
        Table ports = new Table("", "PORT", "PROTO", "MACHINE", "SERVICE", "BIND", "MANAGER", "PROJECT").alignRight(1);
        for (PortEntry e : entries) {
            ports.row(conflicting.contains(e) ? "!" : "", e.port(), lower(e.protocol()), e.machine(), e.service(),
                    e.bind(), e.manager(), e.project());
        }
        ports.print(out);
        out.println();
        Set<String> conflictingRanges = new HashSet<>();
        conflicts.forEach(c -> conflictingRanges.addAll(c.ranges()));
        Table table = new Table("", "RANGE", "PROJECT", "USED", "FREE", "DEFAULTS", "DESCRIPTION").alignRight(4);
        for (RangeUsage r : ranges) {
            String range = r.from() == r.to() ? String.valueOf(r.from()) : r.from() + "-" + r.to();
            String used = r.used().stream().map(e -> e.port() + " " + e.service() + "@" + e.machine())
                    .collect(Collectors.joining(", "));
            String defaults = r.defaultPorts().stream().map(String::valueOf).collect(Collectors.joining(","));
            table.row(conflictingRanges.contains(r.project()) ? "!" : "", range, r.project(),
                    used.isEmpty() ? "-" : used, r.free(), defaults.isEmpty() ? "-" : defaults, r.description());
        }
        table.print(out);
        if (!conflicts.isEmpty()) {
            out.println();
            out.println(conflicts.size() + (conflicts.size() == 1 ? " conflict:" : " conflicts:"));
            conflicts.forEach(c -> out.println("! " + c.message()));
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
