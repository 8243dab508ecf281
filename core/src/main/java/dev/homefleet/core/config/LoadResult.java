package dev.homefleet.core.config;

import java.util.List;
import java.util.Optional;

/**
 * What loading a fleet file found.
 *
 * @param file    the file as named to the user
 * @param bound   the config as far as it could be bound: present when the file's shape was right, even if
 *                validation rules failed (so {@code fleet ports} can show the conflicts it has)
 * @param problems every error and warning, in file order
 */
public record LoadResult(String file, Optional<FleetConfig> bound, List<Problem> problems) {

    public boolean ok() {
        return problems.stream().noneMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** The config, only if it is valid: nothing downstream ever sees an invalid one. */
    public FleetConfig config() {
        if (!ok() || bound.isEmpty()) {
            throw new InvalidConfigException(file, errors());
        }
        return bound.get();
    }
}
