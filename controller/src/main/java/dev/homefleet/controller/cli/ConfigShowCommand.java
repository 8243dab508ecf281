package dev.homefleet.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetJson;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Secrets;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print the configuration as homefleet reads it: every default filled in, ${ENV} values "
                + "expanded, secrets redacted (a secret shows where it comes from, never its value)."})
final class ConfigShowCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--json", description = "Print JSON instead of YAML.")
    boolean json;

    ConfigShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(spec.commandLine().getErr(), result, "");
        }
        FleetConfig config = result.config();
        ObjectMapper mapper = FleetJson.compact(json ? FleetJson.json() : FleetJson.yaml());
        try {
            JsonNode tree = Secrets.redact(mapper.valueToTree(config));
            spec.commandLine().getOut().println(mapper.writeValueAsString(tree).stripTrailing());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return ExitCodes.OK;
    }
}
