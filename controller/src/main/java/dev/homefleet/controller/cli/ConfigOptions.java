package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE}, and where fleet.yaml is found without it. Mixed into every command that reads one. */
final class ConfigOptions {

    static final String ENV_CONFIG = "HOMEFLEET_CONFIG";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The fleet file. Default: $HOMEFLEET_CONFIG, else ./fleet.yaml, else ~/.homefleet/fleet.yaml.")
    Path config;

    /** The file to read: --config, then $HOMEFLEET_CONFIG, then ./fleet.yaml, then ~/.homefleet/fleet.yaml. */
    Path locate(CliContext context) {
        if (config != null) {
            return context.workingDirectory().resolve(config);
        }
        String fromEnv = context.environment().get(ENV_CONFIG);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return context.workingDirectory().resolve(fromEnv);
        }
        for (Path candidate : candidates(context)) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new NoConfigException("no fleet file found: looked for ./fleet.yaml and ~/.homefleet/fleet.yaml; "
                + "pass --config FILE or set " + ENV_CONFIG);
    }

    LoadResult load(CliContext context) {
        return load(context, locate(context));
    }

    static LoadResult load(CliContext context, Path file) {
        return new FleetConfigLoader(context.environment()).load(file, shown(context, file).toString());
    }

    /** The file's name as a person would type it from where they are: relative when it is below them. */
    static Path shown(CliContext context, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path cwd = context.workingDirectory().toAbsolutePath().normalize();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
    }

    private static List<Path> candidates(CliContext context) {
        return List.of(context.workingDirectory().resolve("fleet.yaml"),
                context.home().resolve(".homefleet").resolve("fleet.yaml"));
    }

    /** No fleet file anywhere we look: a usage problem, not a finding. */
    static final class NoConfigException extends RuntimeException {
        NoConfigException(String message) {
            super(message);
        }
    }
}
