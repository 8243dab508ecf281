package dev.homefleet.core.config;

import dev.homefleet.core.config.yaml.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem found in one fleet file, in file order. */
final class Problems {
    private final String file;
    private final List<Problem> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void error(Location at, String path, String message) {
        add(Problem.Severity.ERROR, at, path, message);
    }

    void warning(Location at, String path, String message) {
        add(Problem.Severity.WARNING, at, path, message);
    }

    private void add(Problem.Severity severity, Location at, String path, String message) {
        Problem problem = new Problem(severity, file, at.line(), at.column(), path, message);
        if (!found.contains(problem)) {
            found.add(problem);
        }
    }

    boolean hasErrors() {
        return found.stream().anyMatch(Problem::isError);
    }

    List<Problem> sorted() {
        return found.stream()
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                .toList();
    }
}
