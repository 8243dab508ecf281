package dev.homefleet.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A fleet file with errors; the message lists every one of them, one per line. */
public final class InvalidConfigException extends RuntimeException {
    private final transient List<Problem> problems;

    public InvalidConfigException(String file, List<Problem> problems) {
        super(file + " has " + problems.size() + (problems.size() == 1 ? " error" : " errors") + ":\n"
                + problems.stream().map(Problem::format).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
