package dev.homefleet.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.homefleet.core.config.FleetJson;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Problem;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Shared ways of printing: JSON documents, and a fleet file's problems. */
final class Output {
    private Output() {}

    static void json(PrintWriter out, Object value) {
        try {
            out.println(FleetJson.json().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void problems(PrintWriter out, LoadResult result) {
        for (Problem problem : result.problems()) {
            out.println(problem.format());
        }
    }

    /** Prints every problem of a fleet file that cannot be used, and a summary ending in {@code advice}. */
    static int refuse(PrintWriter err, LoadResult result, String advice) {
        problems(err, result);
        err.println(summary(result) + advice);
        return ExitCodes.FINDING;
    }

    static String summary(LoadResult result) {
        int errors = result.errors().size();
        return result.file() + ": " + errors + (errors == 1 ? " error" : " errors");
    }
}
