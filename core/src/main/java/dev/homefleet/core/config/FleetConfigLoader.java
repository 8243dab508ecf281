package dev.homefleet.core.config;

import dev.homefleet.core.config.yaml.Location;
import dev.homefleet.core.config.yaml.YNode;
import dev.homefleet.core.config.yaml.YamlReader;
import dev.homefleet.core.config.yaml.YamlSyntaxException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a fleet file: YAML (Jackson) into a located tree, bound onto the records, then validated. Every problem
 * is collected; see {@link LoadResult}.
 */
public final class FleetConfigLoader {

    private final Map<String, String> environment;

    /** @param environment where ${NAME} references are looked up (System.getenv() in production) */
    public FleetConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public LoadResult load(Path file) {
        return load(file, file.toString());
    }

    /** @param name the file as problems should name it, e.g. relative to where the user is */
    public LoadResult load(Path file, String name) {
        try {
            return parse(Files.readString(file), name);
        } catch (NoSuchFileException e) {
            return failed(name, "no such file; create it (see docs/fleet-yaml.md) or pass --config FILE");
        } catch (MalformedInputException e) {
            return failed(name, "not UTF-8 text; save the file as UTF-8");
        } catch (IOException e) {
            return failed(name, "cannot be read: " + e.getMessage());
        }
    }

    public LoadResult parse(String text, String fileName) {
        Problems problems = new Problems(fileName);
        Optional<YNode> root;
        try {
            root = YamlReader.read(text);
        } catch (YamlSyntaxException e) {
            problems.error(e.location(), "", e.getMessage());
            return new LoadResult(fileName, Optional.empty(), problems.sorted());
        }
        if (root.isEmpty()) {
            problems.error(new Location(1, 1), "", "the file is empty; start from the fleet.yaml shipped with "
                    + "homefleet or docs/fleet-yaml.md");
            return new LoadResult(fileName, Optional.empty(), problems.sorted());
        }
        SourceIndex index = new SourceIndex();
        Binder binder = new Binder(problems, index, new EnvExpander(environment));
        FleetConfig config = binder.bindRoot(root.get(), FleetConfig.class);
        if (config == null) {
            return new LoadResult(fileName, Optional.empty(), problems.sorted());
        }
        boolean shapeOk = !problems.hasErrors();
        new Validator(config, problems, index, environment).validate();
        return new LoadResult(fileName, shapeOk ? Optional.of(config) : Optional.empty(), problems.sorted());
    }

    private static LoadResult failed(String file, String message) {
        return new LoadResult(file, Optional.empty(),
                List.of(new Problem(Problem.Severity.ERROR, file, 0, 0, "", message)));
    }
}
