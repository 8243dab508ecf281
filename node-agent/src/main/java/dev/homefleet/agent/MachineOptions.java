package dev.homefleet.agent;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineIdentity;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --machine NAME}: which fleet file to read and which of its machines this is.
 * Mixed into the agent's commands.
 */
final class MachineOptions {

    static final String ENV_CONFIG = "HOMEFLEET_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The fleet file. Default: $HOMEFLEET_CONFIG, else ./fleet.yaml, else ~/.homefleet/fleet.yaml.")
    Path config;

    @Option(names = {"-m", "--machine"}, paramLabel = "MACHINE",
            description = "The machine's name in the fleet file. Default: found by host name or address.")
    String machine;

    record Found(Path file, FleetConfig fleet, MachineSpec machine) {}

    /** Why there is no machine to work for, already worded for the user; the command exits with {@code exitCode}. */
    static final class Refused extends Exception {
        final int exitCode;

        Refused(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /**
     * @param prefix what error lines start with, the command's name: {@code homefleet-agent: }
     * @throws Refused exit 2 when there is no fleet file or no single matching machine, 1 when the file is invalid
     */
    Found find(Map<String, String> environment, Path home, AgentMain.Host host, String prefix) throws Refused {
        Path here = Path.of("fleet.yaml");
        Path file = config != null ? config
                : !environment.getOrDefault(ENV_CONFIG, "").isBlank() ? Path.of(environment.get(ENV_CONFIG))
                : Files.isRegularFile(here) ? here
                : home.resolve(".homefleet/fleet.yaml");
        if (!Files.isRegularFile(file)) {
            throw new Refused(2, prefix + "no fleet file at " + file + "; copy the controller's fleet.yaml there "
                    + "or pass --config FILE");
        }
        LoadResult result = new FleetConfigLoader(environment).load(file);
        if (!result.ok()) {
            throw new Refused(1, result.errors().stream().map(Problem::format).collect(Collectors.joining("\n")));
        }
        FleetConfig fleet = result.config();
        List<MachineSpec> found = machine != null
                ? fleet.machine(machine).map(List::of).orElse(List.of())
                : MachineIdentity.match(fleet, host.hostname(), host.addresses());
        if (found.size() != 1) {
            throw new Refused(2, prefix + (machine != null ? "no machine named '" + machine + "' in " + file
                    : found.isEmpty() ? "host '" + host.hostname() + "' matches no machine of " + file
                            : "host '" + host.hostname() + "' matches several machines: "
                                    + found.stream().map(MachineSpec::name).toList())
                    + "; pass --machine NAME");
        }
        return new Found(file, fleet, found.get(0));
    }
}
